// The webhooks panel (admins): add an endpoint (its signing secret shown
// once), choose its events, enable and disable it, rotate its secret, send
// a test, remove it, and read its delivery log (admin-webhook-log.js).
// Why an endpoint was disabled is the server's word, said plainly here.
import { request } from "./api.js";
import { dateTime } from "./dates.js";
import { openDialog, closeDialog } from "./dialog.js";
import { $, el } from "./dom.js";
import { clearFieldErrors, fieldErrors, markField, sayProblems, showError } from "./fields.js";
import { emptyRow } from "./list.js";
import { describe } from "./messages.js";
import { toast } from "./toast.js";
import { initDeliveryLog } from "./admin-webhook-log.js";

const EVERY = "*";
// How often the endpoints' states are read again while the panel shows.
const REFRESH_MS = 5000;

const EVENT_LABELS = {
  orderPlaced: "Order placed",
  orderStatusUpdated: "Status changed",
  orderPaymentUpdated: "Payment recorded or cleared",
  orderShipped: "Shipment sent",
  orderShipmentDelivered: "Shipment delivered",
  orderAddressUpdated: "Address changed",
  orderItemsUpdated: "Items changed",
  returnRequested: "Return requested",
  returnReceived: "Return received",
  returnRejected: "Return rejected",
  orderRefunded: "Refunded",
  orderNoteAdded: "Note added",
};

export function initWebhooks() {
  const table = $("webhooks-table").tBodies[0];
  const errorNode = $("webhooks-error");
  const log = initDeliveryLog();
  let shown = false;
  let endpoints = [];

  async function load() {
    try {
      const page = await request("GET", "/api/webhooks");
      endpoints = page.items;
      const rows = endpoints.map(row);
      table.replaceChildren(...(rows.length ? rows : [emptyRow(4, "No endpoints yet: add one above.")]));
      showError(errorNode, "");
      log.endpointChanged(endpoints.find((e) => e.id === log.current()));
    } catch (err) {
      showError(errorNode, describe(err));
    }
  }

  async function act(method, path, body, done) {
    try {
      const answer = await request(method, path, body === undefined ? {} : { body });
      done(answer);
    } catch (err) {
      toast(describe(err), "error");
    }
    load();
  }

  function row(hook) {
    const base = `/api/webhooks/${encodeURIComponent(hook.id)}`;
    const button = (text, label, onclick, cls = "btn btn-outline btn-sm") =>
      el("button", { type: "button", class: cls, text, "aria-label": `${label} ${hook.url}`, onclick });
    const actions = el(
      "div",
      { class: "row-actions" },
      button("Deliveries", "Show deliveries to", () => log.show(hook)),
      hook.enabled
        ? button("Send test", "Send a test to", () =>
            act("POST", `${base}/test`, {}, () => {
              toast("Test sent: its delivery shows in the log.", "success");
              log.show(hook);
            }),
          )
        : null,
      button("Events", "Choose the events of", () => editEvents(hook, (events) =>
        act("PATCH", base, { events }, () => toast("Events saved.", "success")),
      )),
      button(hook.enabled ? "Disable" : "Enable", hook.enabled ? "Disable" : "Enable", async () => {
        if (hook.enabled && !(await confirmAction(`Disable ${hook.url}?`, "Nothing is sent to it while it is disabled, and events in between are not sent later.", "Disable"))) return;
        act("PATCH", base, { enabled: !hook.enabled }, (changed) =>
          toast(changed.enabled ? "Enabled: events from now on are sent." : "Disabled: nothing more is sent.", "success"),
        );
      }),
      button("Rotate secret", "Rotate the secret of", async () => {
        if (!(await confirmAction("Rotate the signing secret?", "For 24 hours deliveries are signed with the old secret and the new one, so the receiver can switch without refusing one.", "Rotate"))) return;
        act("POST", `${base}/secret/rotate`, {}, (rotated) => showSecret(rotated, "New signing secret"));
      }),
      button("Remove", "Remove", async () => {
        if (!(await confirmAction(`Remove ${hook.url}?`, "Nothing more is sent to it, and its delivery log is deleted.", "Remove"))) return;
        act("DELETE", base, undefined, () => {
          toast("Endpoint removed.", "success");
          if (log.current() === hook.id) log.hide();
        });
      }, "btn btn-outline btn-sm btn-danger-outline"),
    );
    return el(
      "tr",
      { "data-webhook-id": hook.id, class: hook.enabled ? "" : "muted" },
      el(
        "td",
        { "data-label": "Endpoint" },
        el("span", { class: "break", text: hook.url }),
        hook.description ? el("div", { class: "hint", text: hook.description }) : null,
      ),
      el("td", { "data-label": "Events", text: eventsText(hook.events) }),
      el("td", { "data-label": "Status" }, status(hook)),
      el("td", { class: "num" }, actions),
    );
  }

  initWebhookCreate({
    onCreated: (made) => {
      showSecret(made, "Signing secret");
      load();
    },
  });
  return {
    show() {
      if (!shown) {
        shown = true;
        setInterval(() => {
          if (!document.hidden && !$("panel-webhooks").hidden) load();
        }, REFRESH_MS);
      }
      load();
    },
  };
}

function eventsText(events) {
  if (events.includes(EVERY)) return "Every event";
  return events.map((e) => EVENT_LABELS[e] || e).join(", ");
}

// The endpoint's state in words: why it is off, or that it is failing.
function status(hook) {
  if (!hook.enabled) {
    const since = hook.disabledAt ? ` on ${dateTime(hook.disabledAt)}` : "";
    const why = {
      gone: `Disabled: it answered 410 Gone${since}. Enable it once the receiver is back.`,
      failing: `Disabled: every delivery failed for days, until${since}. Mend the receiver, then enable it.`,
      byAdmin: `Disabled by an admin${since}.`,
    }[hook.disabledReason] || "Disabled.";
    return el("span", { class: "status-text", "data-state": "disabled", text: why });
  }
  if (hook.failingSince) {
    return el("span", { class: "status-text", "data-state": "failing", text: `Failing since ${dateTime(hook.failingSince)}` });
  }
  return el("span", { class: "status-text", "data-state": "active", text: "Active" });
}

// The events boxes of `fieldset`: "every event" turns the others off.
function eventBoxes(fieldset) {
  const every = fieldset.querySelector(`input[value="${EVERY}"]`);
  const each = [...fieldset.querySelectorAll("input[data-event]")];
  const sync = () => each.forEach((box) => (box.disabled = every.checked));
  every.addEventListener("change", sync);
  return {
    set(events) {
      every.checked = events.includes(EVERY);
      each.forEach((box) => (box.checked = events.includes(box.value)));
      sync();
    },
    // The names chosen, null when none is.
    get() {
      if (every.checked) return [EVERY];
      const chosen = each.filter((box) => box.checked).map((box) => box.value);
      return chosen.length ? chosen : null;
    },
    focus: () => every.focus(),
  };
}

function initWebhookCreate({ onCreated }) {
  const form = $("webhook-form");
  const url = $("new-webhook-url");
  const description = $("new-webhook-description");
  const events = eventBoxes($("new-webhook-events"));
  const submit = $("webhook-submit");
  const formError = $("webhook-form-error");
  events.set([EVERY]);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearFieldErrors(form);
    showError(formError, "");
    const chosen = events.get();
    const missing = [[url, url.value.trim() ? "" : "Enter the endpoint's URL."]];
    if (sayProblems(formError, missing)) return;
    if (!chosen) {
      showError(formError, "Choose at least one event, or every event.");
      events.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { url: url.value.trim(), events: chosen };
      if (description.value.trim()) body.description = description.value.trim();
      const made = await request("POST", "/api/webhooks", { body });
      form.reset();
      events.set([EVERY]);
      onCreated(made);
    } catch (err) {
      fieldErrors(form, err);
      const urlProblem = (err.errors || []).find((e) => e.field === "url");
      if (urlProblem) {
        markField(url, `The URL ${urlProblem.message}.`);
        showError(formError, `This URL cannot be used: it ${urlProblem.message}.`);
        url.focus();
      } else {
        showError(formError, describe(err));
      }
    } finally {
      submit.disabled = false;
    }
  });
}

// The secret, shown once, with a copy button.
function showSecret(hook, title) {
  const dialog = $("secret-dialog");
  const value = $("secret-value");
  $("secret-title").textContent = title;
  $("secret-text").textContent = `For ${hook.url}.`;
  value.value = hook.secret;
  const copy = $("secret-copy");
  copy.textContent = "Copy";
  copy.onclick = async () => {
    try {
      await navigator.clipboard.writeText(hook.secret);
      copy.textContent = "Copied";
    } catch {
      value.select();
      copy.textContent = "Press Ctrl+C";
    }
  };
  dialog.addEventListener("close", () => (value.value = ""), { once: true });
  openDialog(dialog, value);
  value.select();
}

function confirmAction(title, text, confirm) {
  const dialog = $("webhook-dialog");
  $("webhook-dialog-title").textContent = title;
  $("webhook-dialog-text").textContent = text;
  $("webhook-confirm").textContent = confirm;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
    openDialog(dialog, $("webhook-keep"));
  });
}

let eventsEditor = null;

// The events dialog: one for the page, pointed at the endpoint being edited.
function editEvents(hook, save) {
  const dialog = $("events-dialog");
  if (!eventsEditor) {
    eventsEditor = { boxes: eventBoxes($("edit-webhook-events")), save: null };
    $("events-cancel").addEventListener("click", () => closeDialog(dialog));
    $("events-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = eventsEditor.boxes.get();
      if (!chosen) {
        showError($("events-error"), "Choose at least one event, or every event.");
        return;
      }
      closeDialog(dialog);
      eventsEditor.save(chosen);
    });
  }
  eventsEditor.save = save;
  showError($("events-error"), "");
  $("events-dialog-title").textContent = `Events sent to ${hook.url}`;
  eventsEditor.boxes.set(hook.events);
  openDialog(dialog);
  eventsEditor.boxes.focus();
}
