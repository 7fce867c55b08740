/* 统计分析: draws each chart with ECharts from the page's JSON and lets the reader switch between the chart and
   its table. Without JavaScript (or if the data cannot be loaded) the tables stay as they are. */
(function () {
  "use strict";

  var root = document.getElementById("dashboard");
  if (!root || typeof window.echarts === "undefined") {
    return;
  }
  var echarts = window.echarts;
  var PALETTE = ["#1a5fb4", "#e5a50a", "#26a269", "#c01c28", "#613583", "#2190a4", "#865e3c", "#5e6675"];
  var FONT = '"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif';
  var instances = [];
  var status = root.querySelector(".dash-status");

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function unitOf(series) {
    return series.name.indexOf("万元") >= 0 ? "万元" : "个";
  }

  function valueAxes(chart) {
    var axes = [];
    chart.series.forEach(function (series) {
      if (!axes[series.axis]) {
        axes[series.axis] = {
          type: "value",
          name: unitOf(series),
          minInterval: unitOf(series) === "个" ? 1 : 0,
          splitLine: {show: series.axis === 0 || !axes[0]},
        };
      }
    });
    return axes.filter(function (axis) { return axis; });
  }

  function axisIndex(chart, series) {
    var used = [];
    chart.series.forEach(function (s) {
      if (used.indexOf(s.axis) < 0) { used.push(s.axis); }
    });
    used.sort();
    return used.indexOf(series.axis);
  }

  function pieOption(chart) {
    var series = chart.series[0];
    return {
      // richText: the tooltip is drawn on the canvas, not built as HTML with style="" (forbidden by the CSP)
      tooltip: {trigger: "item", renderMode: "richText", formatter: "{b}\n" + series.name + "：{c}（{d}%）"},
      legend: {type: "scroll", top: 0},
      series: [{
        type: "pie",
        name: series.name,
        radius: ["36%", "66%"],
        center: ["50%", "57%"],
        data: chart.categories.map(function (name, i) {
          var shown = series.data[i] > 0;  // an empty slice keeps its legend entry but no label
          return {name: name, value: series.data[i], label: {show: shown}, labelLine: {show: shown}};
        }),
        label: {formatter: "{b}\n{c}"},
      }],
    };
  }

  function barOption(chart) {
    var horizontal = chart.kind === "hbar";
    var category = {
      type: "category",
      data: chart.categories,
      inverse: horizontal,
      axisLabel: horizontal
        ? {width: 150, overflow: "truncate"}
        : {interval: 0, rotate: chart.categories.length > 5 ? 30 : 0, width: 110, overflow: "truncate"},
    };
    var values = valueAxes(chart);
    return {
      tooltip: {trigger: "axis", renderMode: "richText", axisPointer: {type: "shadow"}},
      legend: {type: "scroll", top: 0},
      grid: {left: 12, right: 12, top: 48, bottom: 8},
      xAxis: horizontal ? values : category,
      yAxis: horizontal ? category : values,
      series: chart.series.map(function (series) {
        var option = {name: series.name, type: series.type, data: series.data};
        option[horizontal ? "xAxisIndex" : "yAxisIndex"] = axisIndex(chart, series);
        if (series.type === "bar") { option.barMaxWidth = 36; }
        return option;
      }),
    };
  }

  function optionFor(chart) {
    var option = chart.kind === "pie" ? pieOption(chart) : barOption(chart);
    option.color = PALETTE;
    option.textStyle = {fontFamily: FONT};
    option.animationDuration = 300;
    return option;
  }

  function show(card, view) {
    var chartBox = card.querySelector(".dash-chart");
    card.querySelector(".dash-table").hidden = view !== "table";
    chartBox.hidden = view !== "chart";
    card.querySelectorAll(".view-switch button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === view));
    });
    if (view === "chart") {
      var instance = echarts.getInstanceByDom(chartBox);
      if (instance) { instance.resize(); }
    }
  }

  function draw(chart) {
    var box = root.querySelector('.dash-chart[data-chart="' + chart.key + '"]');
    if (!box || !chart.rows.length) {
      return;  // nothing to draw: the table says 暂无数据
    }
    var card = box.closest(".dash-card");
    var toggle = card.querySelector(".view-switch");
    toggle.hidden = false;
    toggle.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-view]");
      if (button) { show(card, button.getAttribute("data-view")); }
    });
    show(card, "chart");
    var instance = echarts.init(box, null, {locale: "ZH", renderer: "canvas"});
    instance.on("finished", function () { box.setAttribute("data-rendered", "1"); });
    instance.setOption(optionFor(chart));
    instances.push(instance);
  }

  say("正在加载统计图……");
  fetch(root.getAttribute("data-data-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (data) {
      data.charts.forEach(draw);
      say("");
    })
    .catch(function () {
      say("统计图未能加载，以下以表格显示。");
    });

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      instances.forEach(function (instance) { instance.resize(); });
    }, 150);
  });
})();
