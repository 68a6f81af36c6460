// Native <dialog> already closes on Escape and traps focus while modal;
// this puts focus back where it was, which not every browser does.

export function openDialog(dialog, focusFirst) {
  const opener = document.activeElement;
  dialog.addEventListener(
    "close",
    () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    },
    { once: true },
  );
  dialog.showModal();
  if (focusFirst) focusFirst.focus();
}

export function closeDialog(dialog) {
  if (dialog.open) dialog.close();
}
