import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import Search from "./Search.svelte";
import { dossier, fakeBackend, unaccent } from "../../test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
});

const PEOPLE = [
  dossier({ code: "X-0001", citizen: { name: "Nguyễn Thị Thử", phone: "0912000111" } }),
  dossier({ code: "X-0002", citizen: { name: "Nguyễn Văn Mẫu", id_number: "001099000123" } }),
  dossier({ code: "X-0003", citizen: { name: "Trần Văn Khác" } }),
];

/** The contract's search: code, id number, phone, or unaccented name prefix. */
function find(args: Record<string, unknown>) {
  const text = unaccent(String(args.text));
  return PEOPLE.filter(
    (d) =>
      d.code.toLowerCase().includes(text) ||
      d.citizen.id_number === text ||
      d.citizen.phone === text ||
      unaccent(d.citizen.name).startsWith(text),
  );
}

describe("Search", () => {
  it("searches as the clerk types, arrow keys choose, Enter opens", async () => {
    const core = fakeBackend({ search: find });
    const onOpen = vi.fn();
    const user = userEvent.setup();
    render(Search, { onOpen });
    const input = screen.getByTestId("search-input");
    expect(document.activeElement).toBe(input);

    await user.type(input, "nguyen");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(2));
    expect(core.argsOf("search").map((a) => a.text)).toContain("nguyen");
    await user.keyboard("{ArrowDown}{Enter}");
    expect(onOpen).toHaveBeenCalledWith("X-0002");
  });

  it("Enter right after typing searches what was typed and opens the first hit", async () => {
    fakeBackend({ search: find });
    const onOpen = vi.fn();
    const user = userEvent.setup();
    render(Search, { onOpen });
    await user.type(screen.getByTestId("search-input"), "001099000123{Enter}");
    await waitFor(() => expect(onOpen).toHaveBeenCalledWith("X-0002"));
  });

  it("says so in Vietnamese when nothing matches", async () => {
    fakeBackend({ search: find });
    const user = userEvent.setup();
    render(Search, { onOpen: () => {} });
    await user.type(screen.getByTestId("search-input"), "khong co ai");
    expect((await screen.findByTestId("search-count")).textContent?.trim()).toBe("Không tìm thấy hồ sơ nào.");
  });
});
