// Saying what is wrong with a form: a note under each field at fault, tied
// to it with aria-describedby, and one alert line for the whole form.
import { $, el } from "./dom.js";
import { fieldName } from "./messages.js";

export function clearFieldErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-fielderror"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }
}

export function markField(input, message) {
  if (!input) return;
  const id = `${input.id || input.name}-fielderror`;
  input.setAttribute("aria-invalid", "true");
  const old = $(id);
  if (old) old.remove();
  const note = el("p", { class: "field-error", id, text: message });
  const wrapper = input.closest(".field, .product-row");
  if (wrapper) wrapper.append(note);
  else input.after(note);
  const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) input.setAttribute("aria-describedby", [...ids, id].join(" "));
}

function findField(form, field) {
  const safe = CSS.escape(field);
  return form.querySelector(`[data-field="${safe}"]`) || form.querySelector(`[name="${safe}"]`);
}

/**
 * Marks each input named in the error's `errors[].field` (or its single
 * `field`, as out_of_stock carries) and returns the problems no input in
 * `form` answers to, so the caller can say them elsewhere.
 */
export function fieldErrors(form, apiError, lineName) {
  clearFieldErrors(form);
  const problems = [...(apiError.fields || [])];
  const single = apiError.body && apiError.body.field;
  if (single && !problems.some((p) => p.field === single)) problems.push({ field: single, message: "" });
  const unmatched = [];
  let first = null;
  for (const problem of problems) {
    const input = findField(form, problem.field);
    if (!input) {
      unmatched.push(problem);
      continue;
    }
    const left = apiError.code === "out_of_stock" && Number.isInteger(apiError.body.available);
    const message = problem.message
      ? `${fieldName(problem.field, lineName)} ${problem.message}.`
      : left
        ? `Only ${apiError.body.available} left.`
        : "Please change this.";
    markField(input, message);
    first = first || input;
  }
  if (first) first.focus();
  return unmatched;
}

/**
 * Says what is wrong before anything is sent: marks each `[input, message]`
 * with a message, says the first in `node` and focuses its input. Returns
 * whether there was anything to say.
 */
export function sayProblems(node, problems) {
  const found = problems.filter(([, message]) => message);
  for (const [input, message] of found) markField(input, message);
  if (!found.length) return false;
  showError(node, found[0][1]);
  found[0][0].focus();
  return true;
}

// The alert node stays in the page, empty when all is well: a live region
// that appears together with its text is often not announced.
export function showError(node, message) {
  node.textContent = message || "";
}
