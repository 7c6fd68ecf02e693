// ir.model.fields, as Odoo 18's ir_model.py IrModelFields: one row per field
// of every model, written by the installer (state "base"). `groups` keeps
// Odoo's link table ir_model_fields_group_rel(field_id, group_id); `modules`
// is stored (Odoo computes it). ttype takes Odoo's type names, all of them,
// so a client's fields_get-style reads see familiar values.
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/ir_metadata_models.hpp"

namespace citadel::modules::base {

orm::ModelDef IrModelFieldsDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.model.fields", "Fields", "name");
  def.rec_name = "field_description";
  std::vector<std::pair<std::string, std::string>> types;
  for (const char* type : {"binary", "boolean", "char", "date", "datetime", "float", "html",
                           "integer", "json", "many2many", "many2one", "many2one_reference",
                           "monetary", "one2many", "properties", "properties_definition",
                           "reference", "selection", "text"}) {
    types.emplace_back(type, type);
  }
  def.fields = {
      Char("name").String("Field Name").Required().Index(),
      Char("complete_name").Index(),
      Char("model").String("Model Name").Required().Index().Help(
          "The technical name of the model this field belongs to"),
      Char("relation").String("Related Model").Help(
          "For relationship fields, the technical name of the target model"),
      Char("relation_field").Help(
          "For one2many fields, the field on the target model that implement the opposite "
          "many2one relationship"),
      Many2one("model_id", "ir.model")
          .String("Model")
          .Required()
          .Index()
          .Ondelete(orm::OnDelete::kCascade)
          .Help("The model this field belongs to"),
      Char("field_description").String("Field Label").Required(),
      Text("help").String("Field Help"),
      Selection("ttype", types).String("Field Type").Required(),
      Boolean("copied").String("Copied").Help(
          "Whether the value is copied when duplicating a record."),
      Char("related").String("Related Field Definition").Help(
          "The corresponding related field, if any. This must be a dot-separated list of field "
          "names."),
      Boolean("required"),
      Boolean("readonly"),
      Boolean("index").String("Indexed"),
      Boolean("translate").String("Translatable"),
      Integer("size"),
      Selection("state", {{"manual", "Custom Field"}, {"base", "Base Field"}})
          .String("Type")
          .Default("manual")
          .Required()
          .Readonly()
          .Index(),
      Selection("on_delete", {{"cascade", "Cascade"}, {"set null", "Set NULL"},
                              {"restrict", "Restrict"}})
          .String("On Delete")
          .Default("set null")
          .Help("On delete property for many2one fields"),
      Char("domain").Default("[]").Help(
          "The optional domain to restrict possible values for relationship fields, specified as "
          "a Python expression defining a list of triplets. For example: "
          "[('color','=','red')]"),
      Many2many("groups", "res.groups", "ir_model_fields_group_rel", "field_id", "group_id"),
      Boolean("selectable").Default(true),
      Char("modules").String("In Apps").Help("List of modules in which the field is defined"),
      Char("relation_table").Help(
          "Used for custom many2many fields to define a custom relation table name"),
      Char("column1").String("Column 1").Help("Column referring to the record in the model table"),
      Char("column2").String("Column 2").Help(
          "Column referring to the record in the comodel table"),
      Text("compute").Help("Code to compute the value of the field."),
      Char("depends").String("Dependencies").Help(
          "Dependencies of compute method; a list of comma-separated field names, like\n\n"
          "    name, partner_id.name"),
      Boolean("store").String("Stored").Default(true).Help(
          "Whether the value is stored in the database."),
      Char("currency_field").String("Currency field").Help(
          "Name of the Many2one field holding the res.currency"),
  };
  def.sql_constraints = {
      {"name_unique", "UNIQUE(model, name)", "Field names must be unique per model."},
  };
  return def;
}

}  // namespace citadel::modules::base
