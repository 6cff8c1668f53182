/**
 * Label rules (Systems Manager User Guide: parameter labels): letters (case-sensitive), digits, `.`, `-`,
 * `_`; not starting with a digit, `aws` or `ssm` (case-insensitive). A label
 * that breaks them is reported in `InvalidLabels`, never an HTTP error.
 */
export const MAX_LABELS_PER_VERSION = 10;

export function isValidLabel(label: string): boolean {
  return /^[a-zA-Z0-9._-]{1,100}$/.test(label) && !/^\d/.test(label) && !/^(aws|ssm)/i.test(label);
}
