// Sign in, or register as a customer, then go where the person was headed.
import { homeFor, request, safeNext, saveSession, session } from "./api.js";
import { $ } from "./dom.js";
import { clearFieldErrors, fieldErrors, markField, showError } from "./fields.js";
import { describe } from "./messages.js";

const params = new URLSearchParams(location.search);
const next = safeNext(params.get("next"));

// Why the person is here again, when a session ended on its own.
const ENDED = {
  expired: "Your session expired. Please sign in again.",
  refused: "Your session is no longer valid (it was ended, or the account changed). Please sign in again.",
};

function go(user) {
  // Never back to /login itself, which would only bounce again.
  const target = next && !next.startsWith("/login") ? next : homeFor(user);
  location.replace(target);
}

const already = session();
if (already) go(already.user);
else {
  initSignIn();
  initRegister();
}

function busy(button, on, label) {
  button.disabled = on;
  button.setAttribute("aria-busy", on ? "true" : "false");
  if (label) button.textContent = label;
}

// Only what needs no rule: an empty field. What makes an address or a
// password acceptable is the server's to say (a 422 names the fields).
function check(form, errorNode, rules) {
  clearFieldErrors(form);
  showError(errorNode, "");
  let first = null;
  for (const [input, message] of rules) {
    if (!message) continue;
    markField(input, message);
    first = first || [input, message];
  }
  if (first) {
    showError(errorNode, first[1]);
    first[0].focus();
    return false;
  }
  return true;
}

async function submit({ form, button, errorNode, path, body, idle, working, messages = {} }) {
  busy(button, true, working);
  try {
    const answer = await request("POST", path, { body, auth: false });
    saveSession(answer);
    go(answer.user);
  } catch (err) {
    busy(button, false, idle);
    fieldErrors(form, err);
    showError(errorNode, messages[err.code] || describe(err));
  }
}

function initSignIn() {
  const notice = $("login-notice");
  const reason = params.get("reason");
  if (Object.hasOwn(ENDED, reason || "")) {
    notice.textContent = ENDED[reason];
    notice.hidden = false;
  }
  const loginForm = $("login-form");
  const loginEmail = $("login-email");
  const loginPassword = $("login-password");
  const loginError = $("login-error");
  const loginSubmit = $("login-submit");

  loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (loginSubmit.disabled) return;
    const email = loginEmail.value.trim();
    const password = loginPassword.value;
    const ok = check(loginForm, loginError, [
      [loginEmail, email ? "" : "Enter your e-mail address."],
      [loginPassword, password ? "" : "Enter your password."],
    ]);
    if (!ok) return;
    submit({
      form: loginForm,
      button: loginSubmit,
      errorNode: loginError,
      path: "/auth/login",
      body: { email, password },
      idle: "Sign in",
      working: "Signing in…",
      messages: { unauthorized: "That e-mail address and password do not match an account." },
    });
  });
}

function initRegister() {
  const registerForm = $("register-form");
  const registerName = $("register-name");
  const registerEmail = $("register-email");
  const registerPassword = $("register-password");
  const registerError = $("register-error");
  const registerSubmit = $("register-submit");

  registerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (registerSubmit.disabled) return;
    const name = registerName.value.trim();
    const email = registerEmail.value.trim();
    const password = registerPassword.value;
    const ok = check(registerForm, registerError, [
      [registerName, name ? "" : "Enter your name."],
      [registerEmail, email ? "" : "Enter your e-mail address."],
      [registerPassword, password ? "" : "Choose a password."],
    ]);
    if (!ok) return;
    submit({
      form: registerForm,
      button: registerSubmit,
      errorNode: registerError,
      path: "/auth/register",
      body: { name, email, password },
      idle: "Create account",
      working: "Creating account…",
      messages: { duplicate_email: "An account with this e-mail address already exists. Sign in instead." },
    });
  });
}
