// ir.sequence, as Odoo 18's ir_sequence.py: named counters with a prefix
// and suffix (numbers are taken by NextSequenceValue, ir_sequence_next.hpp).
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "orm/access_guard.hpp"

namespace citadel::modules::base {

orm::ModelDef IrSequenceDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.sequence", "Sequence", "name");
  def.fields = {
      Char("name").Required(),
      Char("code").String("Sequence Code"),
      Selection("implementation", {{"standard", "Standard"}, {"no_gap", "No gap"}})
          .String("Implementation")
          .Required()
          .Default("standard")
          .Help(
              "While assigning a sequence number to a record, the 'no gap' sequence "
              "implementation ensures that each previous sequence number has been assigned "
              "already. While this sequence implementation will not skip any sequence number upon "
              "assignment, there can still be gaps in the sequence if records are deleted. The "
              "'no gap' implementation is slower than the standard one."),
      Boolean("active").Default(true),
      Char("prefix").Help("Prefix value of the record for the sequence"),
      Char("suffix").Help("Suffix value of the record for the sequence"),
      Integer("number_next").String("Next Number").Required().Default(1).Help(
          "Next number of this sequence"),
      Integer("number_increment").String("Step").Required().Default(1).Help(
          "The next number of the sequence will be incremented by this number"),
      Integer("padding").String("Sequence Size").Required().Default(0).Help(
          "Odoo will automatically adds some '0' on the left of the 'Next Number' to get the "
          "required padding size."),
      Many2one("company_id", "res.company").String("Company").DefaultFrom(
          [](const orm::Environment& env) -> orm::Value {
            const std::int64_t company = orm::AccessGuard::CurrentCompanyId(env);
            return company > 0 ? orm::Value(company) : orm::Value(false);
          }),
  };
  return def;
}

}  // namespace citadel::modules::base
