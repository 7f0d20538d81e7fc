/* The membership application form (members/apply.html): show only the fields of the chosen kind of applicant;
   without JavaScript every field stays visible. */
(function () {
  var form = document.getElementById("apply-form");
  if (!form) return;
  var unitOnly = ["uscc", "registered_address", "legal_representative", "responsible_person"];
  var individualOnly = ["resident_id", "statement"];
  var venueOnly = ["venue_name", "venue_licence", "venue_address", "venue_operator"];
  function update() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var kind = chosen ? chosen.value : "unit";
    unitOnly.forEach(function (f) { form.querySelector(".field-" + f).hidden = kind === "individual"; });
    venueOnly.forEach(function (f) { form.querySelector(".field-" + f).hidden = kind !== "venue"; });
    individualOnly.forEach(function (f) { form.querySelector(".field-" + f).hidden = kind !== "individual"; });
  }
  form.querySelectorAll('input[name="kind"]').forEach(function (r) { r.addEventListener("change", update); });
  update();
})();
