import { Checkbox, CheckboxGroup, FieldError, Label, Text } from 'react-aria-components';

/**
 * A model allow-list: one box for "no list of its own" (every model, or whatever the department
 * allows), and when it is cleared one box per model. The API's complaint about `allowedModels`
 * (the surrounding Form's validationErrors) is shown beneath the boxes and named by them.
 */
export function AllowedModelsField(props: {
  unrestricted: boolean;
  onUnrestrictedChange: (value: boolean) => void;
  unrestrictedLabel: string;
  label: string;
  description?: string;
  names: string[];
  allowed: string[];
  onAllowedChange: (value: string[]) => void;
}) {
  return (
    <>
      <Checkbox className="react-aria-Checkbox check" isSelected={props.unrestricted} onChange={props.onUnrestrictedChange}>
        <span className="box" aria-hidden="true" />
        {props.unrestrictedLabel}
      </Checkbox>
      {props.unrestricted ? null : (
        <CheckboxGroup className="checks" name="allowedModels" value={props.allowed} onChange={props.onAllowedChange}>
          <Label>{props.label}</Label>
          {props.description ? <Text slot="description">{props.description}</Text> : null}
          {props.names.map((name) => (
            <Checkbox key={name} value={name}>
              <span className="box" aria-hidden="true" />
              {name}
            </Checkbox>
          ))}
          <FieldError className="field-error" />
        </CheckboxGroup>
      )}
    </>
  );
}
