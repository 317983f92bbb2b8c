#!/bin/sh
# Runs once, when the postgres container initialises an empty volume (/docker-entrypoint-initdb.d).
# Creates the role Tollgate connects as: it owns the tollgate database and its schema and is not a
# superuser. The SQL is in tollgate-owner.psql (not *.sql, so the entrypoint does not run it bare).
set -eu
: "${TOLLGATE_DB_PASSWORD:?set TOLLGATE_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
  -v app_user="${TOLLGATE_DB_USER:-tollgate}" \
  -v app_db="${TOLLGATE_DB_NAME:-tollgate}" \
  -v app_password="$TOLLGATE_DB_PASSWORD" \
  -f /docker-entrypoint-initdb.d/tollgate-owner.psql
