// Starts GOV.UK Frontend's components (header menu, error summary focus, …).
import { initAll } from "../build/govuk-frontend.min.js";

initAll();
