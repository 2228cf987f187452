// The only module that talks to the Tauri backend. Components import from here, never from
// @tauri-apps/api, so tests can mock IPC in one place.
import { invoke } from "@tauri-apps/api/core";

/** What the backend says about itself, shown in the status bar. */
export interface AppInfo {
  version: string;
  procedures: number;
}

/** A failure from the backend: `code` is stable, the UI turns it into a message. */
export interface IpcError {
  code: string;
  message: string;
}

export async function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}
