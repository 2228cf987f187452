// Entry of the citizen-facing satisfaction window (NĐ 118 art. 31, 13.2.b: evaluation device at
// the counter). Tauri opens it as a second window loading satisfaction.html.
import { mount } from "svelte";
import Satisfaction from "./lib/satisfaction/Satisfaction.svelte";
import "./app.css";

mount(Satisfaction, { target: document.getElementById("app")! });
