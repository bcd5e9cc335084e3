// Browser notifications for new messages and incoming calls while the tab is hidden.
// Permission is asked once, after a user gesture (the first click or key press in the app),
// never on page load.

const ASKED_KEY = "interview.notifications-asked";

export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

/** Ask for permission on the first user gesture (browsers ignore requests without one). */
export function askOnFirstGesture(): void {
  if (!notificationsSupported() || Notification.permission !== "default") return;
  if (localStorage.getItem(ASKED_KEY)) return;
  const ask = (): void => {
    document.removeEventListener("click", ask, true);
    document.removeEventListener("keydown", ask, true);
    localStorage.setItem(ASKED_KEY, "1");
    void Notification.requestPermission();
  };
  document.addEventListener("click", ask, true);
  document.addEventListener("keydown", ask, true);
}

/** Show a notification when the tab is hidden; clicking it focuses the tab (and ``onClick``). */
export function notifyIfHidden(title: string, body: string, tag: string, onClick?: () => void): Notification | null {
  if (!notificationsSupported() || Notification.permission !== "granted") return null;
  if (document.visibilityState === "visible") return null;
  const note = new Notification(title, { body, tag });
  note.onclick = () => {
    window.focus();
    onClick?.();
    note.close();
  };
  return note;
}
