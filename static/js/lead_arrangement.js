/*
 * The lead arrangement form, made shorter to fill in when scripts run:
 * - the "holds decision power" box shows only while a coordinating body is chosen;
 * - each responsibility picker offers only the lead bodies chosen above.
 * Without this script every field shows and the server refuses what does not fit
 * (and ignores decision power for the other ways of leading).
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-lead-arrangement]");
  if (!form) {
    return;
  }

  var modelRadios = Array.prototype.slice.call(form.querySelectorAll('input[name="model"]'));
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-lead-models]"));

  function chosenModel() {
    var checked = modelRadios.filter(function (radio) { return radio.checked; })[0];
    return checked ? checked.value : "";
  }

  function showForModel() {
    var model = chosenModel();
    conditional.forEach(function (block) {
      block.hidden = block.getAttribute("data-lead-models").split(" ").indexOf(model) === -1;
    });
  }

  var leadPickers = ["lead", "second_lead"]
    .map(function (name) { return form.querySelector('select[name="' + name + '"]'); })
    .filter(Boolean);
  var responsibilityPickers = Array.prototype.slice
    .call(form.querySelectorAll('select[name^="responsibility_"]'))
    .map(function (select) {
      var picker = {
        select: select,
        // Every option the server offered, to rebuild the list when the leads change.
        options: Array.prototype.map.call(select.options, function (option) {
          return option.cloneNode(true);
        }),
        // The user's own choice: it comes back when its organisation leads again (two
        // leads swapped, say), and a choice the server refused stays shown beside its
        // message until the leads change.
        wanted: select.value,
        refused: select.value
      };
      select.addEventListener("change", function () {
        picker.wanted = select.value;
      });
      return picker;
    });

  function offerOnlyLeads() {
    var leads = leadPickers
      .map(function (select) { return select.value; })
      .filter(function (value) { return value !== ""; });
    responsibilityPickers.forEach(function (picker) {
      var kept = picker.options.filter(function (option) {
        return (
          option.value === "" ||
          leads.indexOf(option.value) !== -1 ||
          option.value === picker.refused
        );
      });
      while (picker.select.firstChild) {
        picker.select.removeChild(picker.select.firstChild);
      }
      kept.forEach(function (option) {
        var copy = option.cloneNode(true);
        copy.selected = option.value === picker.wanted;
        picker.select.appendChild(copy);
      });
      if (!kept.some(function (option) { return option.value === picker.wanted; })) {
        picker.select.value = "";
      }
    });
  }

  function leadsChanged() {
    responsibilityPickers.forEach(function (picker) { picker.refused = null; });
    offerOnlyLeads();
  }

  modelRadios.forEach(function (radio) { radio.addEventListener("change", showForModel); });
  leadPickers.forEach(function (select) { select.addEventListener("change", leadsChanged); });
  showForModel();
  offerOnlyLeads();
})();
