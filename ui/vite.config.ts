import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The UI is a static bundle loaded by the Tauri webview from ui/dist (see tauri.conf.json).
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "es2021",
    outDir: "dist",
    emptyOutDir: true,
    // Two pages: the clerk's window and the citizen-facing satisfaction window (Vite 8 names
    // Rollup's old `rollupOptions` `rolldownOptions`). Paths are relative to ui/, where npm runs.
    rolldownOptions: {
      input: { main: "index.html", satisfaction: "satisfaction.html" },
    },
  },
  test: { environment: "jsdom" },
  // Component tests must load Svelte's browser build, not its server build.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
}));
