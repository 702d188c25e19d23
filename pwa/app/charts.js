// The dashboards' charts, drawn with Chart.js. A bundle of its own, loaded only when a dashboard
// opens (charts are not what a scanner at a fair needs on a cheap phone's first load).
import {
  BarController, BarElement, CategoryScale, Chart, Filler, LineController, LineElement, LinearScale, PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, LineController, LineElement, LinearScale,
  PointElement, Tooltip);
Chart.defaults.font.family = "'WenQuanYi Micro Hei','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif";
Chart.defaults.animation = false;  // a cheap phone's battery and the reader's patience

const BLUE = '#1f5fa8';

/** Bars, one per stage (top to bottom), with the count and the share of the first stage. */
export function funnelChart(canvas, labels, counts) {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ data: counts, backgroundColor: BLUE, borderRadius: 3 }] },
    options: {
      indexAxis: 'y', maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.raw} (${share(item.raw, counts[0])})` } } },
    },
  });
}

/** The retention curve: a step line of the share still employed, month by month. */
export function retentionChart(canvas, months, shares) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: months,
      datasets: [{ data: shares.map((s) => (s === null ? null : s * 100)), stepped: 'after', borderColor: BLUE,
        backgroundColor: 'rgba(31, 95, 168, 0.12)', fill: true, pointRadius: 0, spanGaps: false }],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.raw.toFixed(1)}%` } } },
    },
  });
}

function share(n, of) {
  return of ? `${Math.round((100 * n) / of)}%` : '—';
}
