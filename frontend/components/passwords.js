// The checks a new password gets before it is sent. The API checks again (and more).

export const MIN_PASSWORD_LENGTH = 10;

export const PASSWORD_HINT =
  `Use at least ${MIN_PASSWORD_LENGTH} characters. Three or four random words together ` +
  "make a strong password that is easy to remember.";

/** [{ field, text }] for a new password and its confirmation. */
export function passwordChecks(password, confirm) {
  const problems = [];
  const value = password.input.value;
  if (!value) problems.push({ field: password, text: "Enter a new password" });
  else if (value.length < MIN_PASSWORD_LENGTH) {
    problems.push({
      field: password,
      text: `Your password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    });
  }
  if (!confirm.input.value) problems.push({ field: confirm, text: "Confirm your new password" });
  else if (value && confirm.input.value !== value) {
    problems.push({ field: confirm, text: "The passwords do not match" });
  }
  return problems;
}
