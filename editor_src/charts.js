// The parts of Chart.js the insights page uses, registered once and re-exported as one ES module
// (static/vendor/chart.bundle.js). The page's own code lives in static/js/insights.js and imports from it.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };
