// res.partner.category, as Odoo 18's res_partner.py (PartnerCategory):
// hierarchical partner tags, shown as "Parent / Child"; a tag cannot be its
// own ancestor ("You can not create recursive tags.").
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/model_values.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/compute.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::contacts {
namespace {

using base::IdOf;
using orm::Value;

constexpr int kMaxDepth = 64;  // deeper tag trees are refused as if recursive

// The names from the root down to the tag, in one fixed query up the
// parent chain (reading parents through the ORM would ask for their display
// names, computed by this very method).
void ComputeDisplayName(orm::ComputeBatch& batch) {
  std::string ids = "{";
  for (std::size_t i = 0; i < batch.size(); ++i) ids += (i ? "," : "") + std::to_string(batch.id(i));
  ids += "}";
  auto result = batch.env().connection().Execute(
      "WITH RECURSIVE chain(start, id, parent_id, name, depth) AS (SELECT c.id, c.id, "
      "c.parent_id, c.name, 0 FROM res_partner_category c WHERE c.id = ANY($1::int8[]) UNION ALL "
      "SELECT ch.start, p.id, p.parent_id, p.name, ch.depth + 1 FROM chain ch JOIN "
      "res_partner_category p ON p.id = ch.parent_id WHERE ch.depth < $2) SELECT start, "
      "string_agg(coalesce(name, ''), ' / ' ORDER BY depth DESC) AS display_name FROM chain GROUP "
      "BY start",
      ids, kMaxDepth);
  if (!result) throw orm::DatabaseError(std::move(result.error()));
  std::map<std::int64_t, std::string> names;
  for (int row = 0; row < result->rows(); ++row) {
    names[std::stoll(result->Text(row, "start"))] = result->Text(row, "display_name");
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto it = names.find(batch.id(i));
    batch.Set(i, "display_name", it != names.end() ? Value(it->second) : Value(false));
  }
}

void CheckNoCycle(const orm::RecordSet& records, const Value& vals) {
  if (!vals.contains("parent_id")) return;
  const orm::Environment su = records.env().Sudo();
  orm::RecordSet tags = orm::RecordSet::Of(su, "res.partner.category");
  for (std::int64_t id : records.ids()) {
    std::set<std::int64_t> seen = {id};
    std::int64_t parent = IdOf(tags.Browse({id}).Read({"parent_id"})[0]["parent_id"]);
    for (int depth = 0; parent != 0; ++depth) {
      if (seen.count(parent) || depth >= kMaxDepth) {
        throw orm::ValidationError("You can not create recursive tags.");
      }
      seen.insert(parent);
      parent = IdOf(tags.Browse({parent}).Read({"parent_id"})[0]["parent_id"]);
    }
  }
}

}  // namespace

orm::ModelDef ResPartnerCategoryDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.partner.category", "Partner Tags", "name");
  def.parent_name = "parent_id";
  def.fields = {
      Char("name").Required(),
      Integer("color").String("Color").DefaultFrom([](const orm::Environment&) -> Value {
        // Odoo's _get_default_color: randint(1, 11).
        thread_local std::mt19937 random(std::random_device{}());
        return std::uniform_int_distribution<int>(1, 11)(random);
      }),
      Many2one("parent_id", "res.partner.category")
          .String("Category")
          .Index()
          .Ondelete(orm::OnDelete::kCascade),
      One2many("child_ids", "res.partner.category", "parent_id").String("Child Tags"),
      Boolean("active").Default(true).Help(
          "The active field allows you to hide the category without removing it."),
      Many2many("partner_ids", "res.partner", "res_partner_res_partner_category_rel",
                "category_id", "partner_id")
          .String("Partners")
          .NoCopy(),
      Char("display_name").Compute("_compute_display_name", {"name"}, false),
  };
  def.computes["_compute_display_name"] = ComputeDisplayName;
  def.after_create.push_back([](const orm::RecordSet& created, const Value& vals_list) {
    for (std::size_t i = 0; i < created.ids().size(); ++i) {
      const Value& vals = vals_list.is_array() ? vals_list.at(i) : vals_list;
      CheckNoCycle(created.Browse({created.ids()[i]}), vals);
    }
  });
  def.after_write.push_back(CheckNoCycle);
  return def;
}

}  // namespace citadel::modules::contacts
