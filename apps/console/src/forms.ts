/** A text field of a submitted form (`FormData.get`): its value, or '' when the field is absent. */
export function formText(value: FormDataEntryValue | null): string {
  return typeof value === 'string' ? value : '';
}
