// Form pieces that meet WCAG 2.2 AA the same way on every page: a label on every field,
// hints and errors tied to the field with aria-describedby, and one error summary per form
// that is announced (role="alert") and takes focus, with links that move to each field.

import { ApiError } from "../api.js";
import { h, replaceChildren, uniqueId } from "../dom.js";

/**
 * A labelled input. Returns { element, input, name, setError(message|null) }.
 * `name` is the API's body field it maps to (for errors: [{ field: "body.<name>" }]).
 */
export function textField({
  name,
  label,
  type = "text",
  autocomplete = null,
  hint = null,
  inputmode = null,
  width = null,
  value = "",
  multiline = false,
  rows = 5,
  maxLength = null,
  labelClass = null,
}) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const errorMessage = h("p", { class: "error-message", id: errorId, hidden: true });
  const input = multiline
    ? h("textarea", {
        class: ["textarea", width && `input--${width}`],
        id,
        name,
        rows,
        autocomplete,
        spellcheck: "true",
      })
    : h("input", {
        class: ["input", width && `input--${width}`],
        id,
        name,
        type,
        autocomplete,
        inputmode,
        spellcheck: type === "email" || type === "password" ? "false" : null,
        autocapitalize: type === "email" ? "none" : null,
      });
  input.value = value;
  const counter = maxLength ? characterCount(input, maxLength, id) : null;
  const baseDescribedBy = [hintId, counter?.describedById];
  const element = h(
    "div",
    { class: ["form-group", counter && "character-count"] },
    h("label", { class: ["label", labelClass], for: id }, label),
    hint ? h("div", { class: "hint", id: hintId }, hint) : null,
    errorMessage,
    input,
    counter?.elements,
  );

  function setError(message) {
    const describedBy = [...baseDescribedBy];
    if (message) {
      replaceChildren(errorMessage, h("span", { class: "visually-hidden" }, "Error: "), message);
      errorMessage.hidden = false;
      element.classList.add("form-group--error");
      input.classList.add("input--error");
      input.setAttribute("aria-invalid", "true");
      describedBy.push(errorId);
    } else {
      errorMessage.replaceChildren();
      errorMessage.hidden = true;
      element.classList.remove("form-group--error");
      input.classList.remove("input--error");
      input.removeAttribute("aria-invalid");
    }
    const ids = describedBy.filter(Boolean).join(" ");
    if (ids) input.setAttribute("aria-describedby", ids);
    else input.removeAttribute("aria-describedby");
  }

  setError(null);
  return {
    element,
    input,
    name,
    setError,
    /** Put a new value in (or clear it), keeping the character count right. */
    setValue(text) {
      input.value = text;
      counter?.update({ announce: false });
    },
  };
}

/**
 * Ties an error message to a control the way textField does: returns setError(message),
 * which shows or clears the message, marks the group, and keeps aria-describedby (on
 * `describedElement`) pointing at the hint and the error.
 */
function errorWiring({ group, describedElement, errorMessage, errorId, baseIds, invalid = [] }) {
  return function setError(message) {
    const describedBy = [...baseIds];
    if (message) {
      replaceChildren(errorMessage, h("span", { class: "visually-hidden" }, "Error: "), message);
      errorMessage.hidden = false;
      group.classList.add("form-group--error");
      for (const element of invalid) element.setAttribute("aria-invalid", "true");
      describedBy.push(errorId);
    } else {
      errorMessage.replaceChildren();
      errorMessage.hidden = true;
      group.classList.remove("form-group--error");
      for (const element of invalid) element.removeAttribute("aria-invalid");
    }
    const ids = describedBy.filter(Boolean).join(" ");
    if (ids) describedElement.setAttribute("aria-describedby", ids);
    else describedElement.removeAttribute("aria-describedby");
  };
}

/**
 * A group of radio buttons in a fieldset whose legend asks the question.
 * `options` is [{ value, label, hint? }]. Returns { element, input (the first radio, for
 * the error summary's link), inputs, name, value(), setValue(v), setError(message|null) }.
 */
export function radioField({
  name,
  legend,
  hint = null,
  options,
  value = "",
  legendClass = null,
  inline = false,
  onChange = null,
}) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const errorMessage = h("p", { class: "error-message", id: errorId, hidden: true });
  const inputs = [];
  const items = options.map((option, index) => {
    const inputId = `${id}-${index}`;
    const optionHintId = option.hint ? `${inputId}-hint` : null;
    const input = h("input", {
      class: "radios__input",
      id: inputId,
      name: id,
      type: "radio",
      value: option.value,
      checked: option.value === value,
      "aria-describedby": optionHintId,
      onChange: () => onChange?.(option.value),
    });
    inputs.push(input);
    return h(
      "div",
      { class: "radios__item" },
      input,
      h("label", { class: "radios__label", for: inputId }, option.label),
      option.hint ? h("div", { class: "hint radios__hint", id: optionHintId }, option.hint) : null,
    );
  });
  const fieldset = h(
    "fieldset",
    { class: "fieldset" },
    h("legend", { class: ["fieldset__legend", legendClass] }, legend),
    hint ? h("div", { class: "hint", id: hintId }, hint) : null,
    errorMessage,
    h("div", { class: ["radios", inline && "radios--inline"] }, items),
  );
  const element = h("div", { class: "form-group" }, fieldset);
  const setError = errorWiring({
    group: element,
    describedElement: fieldset,
    errorMessage,
    errorId,
    baseIds: [hintId],
  });
  setError(null);
  return {
    element,
    input: inputs[0],
    inputs,
    name,
    setError,
    value: () => inputs.find((input) => input.checked)?.value ?? "",
    setValue(next) {
      for (const input of inputs) input.checked = input.value === next;
    },
  };
}

/** One checkbox with its label ("I understand…"). Returns { element, input, name, setError }. */
export function checkboxField({ name, label, hint = null }) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const errorMessage = h("p", { class: "error-message", id: errorId, hidden: true });
  const input = h("input", { class: "checkboxes__input", id, name, type: "checkbox" });
  const element = h(
    "div",
    { class: "form-group" },
    errorMessage,
    h(
      "div",
      { class: "checkboxes__item" },
      input,
      h("label", { class: "checkboxes__label", for: id }, label),
      hint ? h("div", { class: "hint checkboxes__hint", id: hintId }, hint) : null,
    ),
  );
  const setError = errorWiring({
    group: element,
    describedElement: input,
    errorMessage,
    errorId,
    baseIds: [hintId],
    invalid: [input],
  });
  setError(null);
  return { element, input, name, setError };
}

/**
 * A labelled <select>. `options` is [{ value, text }]. Returns { element, input, name,
 * setError, setOptions(options) }.
 */
export function selectField({
  name,
  label,
  hint = null,
  options = [],
  value = "",
  labelClass = null,
}) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const errorMessage = h("p", { class: "error-message", id: errorId, hidden: true });
  const input = h("select", { class: "select", id, name });
  const element = h(
    "div",
    { class: "form-group" },
    h("label", { class: ["label", labelClass], for: id }, label),
    hint ? h("div", { class: "hint", id: hintId }, hint) : null,
    errorMessage,
    input,
  );
  function setOptions(list, selected = input.value) {
    replaceChildren(
      input,
      list.map((option) =>
        h("option", { value: option.value, selected: option.value === selected }, option.text),
      ),
    );
  }
  setOptions(options, value);
  const setError = errorWiring({
    group: element,
    describedElement: input,
    errorMessage,
    errorId,
    baseIds: [hintId],
    invalid: [input],
  });
  setError(null);
  return { element, input, name, setError, setOptions };
}

/**
 * A live character count under a field, as in the GOV.UK design system: the limit is read
 * with the field, the count below it changes as one types, and screen readers hear it once
 * typing pauses. Nothing stops typing past the limit (a paste can be trimmed afterwards);
 * the form's checks refuse it.
 */
function characterCount(input, maxLength, id) {
  const limitText = `You can enter up to ${maxLength.toLocaleString("en-GB")} characters`;
  const describedById = `${id}-limit`;
  const limit = h("span", { class: "visually-hidden", id: describedById }, limitText);
  const visible = h("div", { class: "hint character-count__message", "aria-hidden": "true" });
  const spoken = h("div", { class: "visually-hidden", "aria-live": "polite" });
  let timer = null;

  function message() {
    const left = maxLength - characters(input.value);
    const amount = Math.abs(left).toLocaleString("en-GB");
    const unit = Math.abs(left) === 1 ? "character" : "characters";
    return left >= 0 ? `You have ${amount} ${unit} remaining` : `You have ${amount} ${unit} too many`;
  }

  function update({ announce = true } = {}) {
    const text = message();
    visible.textContent = text;
    visible.classList.toggle("character-count__message--over", characters(input.value) > maxLength);
    clearTimeout(timer);
    if (announce) timer = setTimeout(() => (spoken.textContent = text), 1000);
  }

  input.addEventListener("input", () => update());
  update({ announce: false });
  return { elements: [limit, visible, spoken], describedById, update };
}

/**
 * How many characters the API will count: it trims the ends and counts code points, so an
 * emoji is one character (JavaScript's .length would say two).
 */
export function characters(text) {
  return [...String(text).trim()].length;
}

/** Checks of a required text with a length range, as [{ field, text }]. */
export function checkLength(field, { min = 1, max, empty, short = null, long }) {
  const count = characters(field.input.value);
  if (!count) return [{ field, text: empty }];
  if (count < min) return [{ field, text: short }];
  if (count > max) return [{ field, text: long }];
  return [];
}

/**
 * The error summary at the top of a form. show([{ text, field?, extra? }]) lists the
 * problems, links each to its field, announces them and moves focus to the summary.
 */
export function errorSummary() {
  const titleId = uniqueId("error-summary-title");
  const list = h("ul", { class: "error-summary__list" });
  const extra = h("div", { class: "error-summary__extra" });
  const element = h(
    "div",
    {
      class: "error-summary",
      "aria-labelledby": titleId,
      role: "alert",
      tabindex: "-1",
      hidden: true,
    },
    h("h2", { class: "error-summary__title", id: titleId }, "There is a problem"),
    h("div", { class: "error-summary__body" }, list, extra),
  );

  function show(items, { after = null } = {}) {
    replaceChildren(
      list,
      items.map((item) =>
        h(
          "li",
          {},
          item.field
            ? h(
                "a",
                {
                  href: `#${item.field.input.id}`,
                  onClick: (event) => {
                    // An ordinary "#id" link would be taken for a route; move focus instead.
                    event.preventDefault();
                    item.field.input.focus();
                  },
                },
                item.text,
              )
            : item.text,
        ),
      ),
    );
    replaceChildren(extra, after);
    element.hidden = false;
    if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
    element.focus();
  }

  function clear() {
    element.hidden = true;
    list.replaceChildren();
    extra.replaceChildren();
    document.title = document.title.replace(/^Error: /, "");
  }

  return { element, show, clear };
}

/** The primary button of a form. */
export function submitButton(text, { secondary = false, small = false } = {}) {
  return h(
    "button",
    { class: ["button", secondary && "button--secondary", small && "button--small"], type: "submit" },
    text,
  );
}

/**
 * Wire a form: on submit, clear old errors, run `validate()` (returns [{ field, text }]),
 * then `submit()`. An ApiError is shown in the summary, and its errors[] on their fields;
 * `describeError(error)` may return { items, after } to say it better for this page.
 */
export function handleForm(form, { fields, summary, validate = () => [], submit, describeError }) {
  let busy = false;
  form.setAttribute("novalidate", "");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    for (const field of fields) field.setError(null);
    summary.clear();
    const problems = validate();
    if (problems.length) {
      for (const problem of problems) problem.field?.setError(problem.text);
      summary.show(problems);
      return;
    }
    busy = true;
    form.setAttribute("aria-busy", "true");
    try {
      await submit();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const custom = describeError?.(error);
      if (custom) {
        for (const { field, text } of custom.items) field?.setError(text);
        summary.show(custom.items, { after: custom.after });
        return;
      }
      const mapped = fields
        .map((field) => [field, error.fieldMessages(field.name)])
        .filter(([, messages]) => messages.length);
      let items;
      if (error.code === "invalid_input" && mapped.length) {
        items = mapped.flatMap(([field, messages]) =>
          messages.map((text) => ({ text: sentence(text), field })),
        );
        for (const [field, messages] of mapped) field.setError(messages.map(sentence).join(" "));
      } else {
        items = [{ text: error.detail, field: mapped[0]?.[0] }];
        for (const [field] of mapped) field.setError(error.detail);
      }
      summary.show(items);
    } finally {
      busy = false;
      form.removeAttribute("aria-busy");
    }
  });
}

function sentence(text) {
  const trimmed = String(text).trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The usual checks of an email field, as [{ field, text }]. */
export function checkEmail(field) {
  const value = field.input.value.trim();
  if (!value) return [{ field, text: "Enter your email address" }];
  if (!EMAIL_PATTERN.test(value)) {
    return [{ field, text: "Enter an email address in the correct format, like name@example.com" }];
  }
  return [];
}
