// Dashboards: filters that apply themselves, and charts drawn from the accessible tables.
// The tables are the single source of the numbers; the charts only read them.
(function () {
  "use strict";

  const form = document.querySelector("form.filters");
  if (form) {
    form.addEventListener("change", function (event) {
      const name = event.target.name;
      if (name === "from" || name === "to") {
        form.elements.preset.value = "";
      }
      form.requestSubmit();
    });
  }

  if (typeof window.Chart === "undefined") {
    return;
  }

  const palette = ["#0b57d0", "#b3261e", "#e8a200", "#188038", "#8e24aa", "#00838f",
    "#6d4c41", "#5f6368", "#d81b60", "#3949ab"];
  const seriesColors = { met: "#188038", breached: "#b3261e", waiting: "#e8a200",
    any_breached: "#8e24aa", negative: "#b3261e", neutral: "#9aa0a6", positive: "#188038",
    unknown_sentiment: "#dadce0" };

  // Vertical lines for incidents on a timeline, with their label.
  const incidentMarkers = {
    id: "incidentMarkers",
    afterDatasetsDraw: function (chart, args, options) {
      const keys = options.keys || [];
      const markers = options.markers || [];
      const ctx = chart.ctx;
      const area = chart.chartArea;
      markers.forEach(function (marker) {
        const index = keys.indexOf(marker.day);
        if (index < 0) {
          return;
        }
        const x = chart.scales.x.getPixelForValue(index);
        ctx.save();
        ctx.strokeStyle = "#b3261e";
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.fillStyle = "#b3261e";
        ctx.font = "11px system-ui, sans-serif";
        ctx.fillText("⚠ " + marker.label, x + 3, area.top + 10);
        ctx.restore();
      });
    },
  };

  function draw(canvas) {
    const table = document.getElementById(canvas.dataset.chartFor);
    if (!table) {
      return;
    }
    const kind = table.dataset.chart;
    const wanted = (table.dataset.series || "").split(" ");
    const headers = Array.from(table.tHead.rows[0].cells).slice(1);
    const columns = [];
    headers.forEach(function (th, index) {
      if (wanted.indexOf(th.dataset.key) >= 0) {
        columns.push({ key: th.dataset.key, label: th.textContent, index: index });
      }
    });
    const rows = Array.from(table.tBodies[0].rows);
    const labels = rows.map(function (row) { return row.cells[0].textContent; });
    const keys = rows.map(function (row) { return row.dataset.key; });
    const datasets = columns.map(function (column, n) {
      const color = seriesColors[column.key] || palette[n % palette.length];
      return {
        label: column.label,
        data: rows.map(function (row) {
          const cell = row.cells[column.index + 1];
          const value = cell && cell.dataset.value;
          return value === undefined || value === "" ? null : Number(value);
        }),
        backgroundColor: color,
        borderColor: color,
        // Daily counts: each day a point, joined straight. A smoothed curve drew values
        // between days that no day had, and dipped below zero before a jump.
        pointRadius: 2,
        tension: 0,
      };
    });
    const markers = (table.dataset.markers || "").split("\n").filter(Boolean).map(function (line) {
      const cut = line.indexOf("|");
      return { day: line.slice(0, cut), label: line.slice(cut + 1) };
    });
    const stacked = kind === "stacked";
    new window.Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          incidentMarkers: { keys: keys, markers: markers },
        },
        onClick: function (event, elements) {
          // A bar or point opens the same drill-down as the number in the table.
          if (!elements.length) {
            return;
          }
          const element = elements[0];
          const row = rows[element.index];
          const column = columns[element.datasetIndex];
          const link = row && row.cells[column.index + 1].querySelector("a");
          if (link) {
            window.location.assign(link.href);
          }
        },
      },
      plugins: [incidentMarkers],
    });
  }

  document.querySelectorAll("canvas[data-chart-for]").forEach(draw);
})();
