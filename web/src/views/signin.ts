// Sign-in: in production a pointer to the marketplace's sign-in link; in development mode a
// button per demo user.

import type { Reply } from "../api";
import { clear, h } from "../dom";
import { state, TOKEN_KEY } from "../store";
import { app } from "./shell";

export async function renderSignIn(problem?: string): Promise<void> {
  clear(app);
  const box = h("main", { class: "signin" }, h("h1", {}, "interview-server"));
  if (problem) box.append(h("p", { class: "error" }, problem));
  if (!state.config?.dev_mode) {
    box.append(h("p", {}, "Open the sign-in link your marketplace gave you."));
    app.append(box);
    return;
  }
  const { users } = await state.api.get<Reply<"dev_users">>("/api/dev/users");
  box.append(h("p", {}, "Development mode: pick a demo user."));
  for (const user of users) {
    box.append(
      h(
        "button",
        {
          "data-testid": `signin-${user.role}`,
          onclick: async () => {
            const { token } = await state.api.post<Reply<"dev_login">>("/api/dev/login", user);
            sessionStorage.setItem(TOKEN_KEY, token);
            window.location.reload();
          },
        },
        `${user.name} (${user.role})`,
      ),
    );
  }
  app.append(box);
}
