// res.partner.category, as Odoo 18's res_partner.py (PartnerCategory):
// hierarchical partner tags, shown as "Parent / Child"; a tag cannot be its
// own ancestor ("You can not create recursive tags.").
#include <random>
#include <set>
#include <string>
#include <vector>

#include "modules/base/models/field_builder.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/compute.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::contacts {
namespace {

using namespace fields;
using orm::Value;

constexpr int kMaxDepth = 64;  // deeper tag trees are refused as if recursive

std::int64_t IdOf(const Value& many2one) {
  if (many2one.is_array() && !many2one.empty()) return many2one[0].get<std::int64_t>();
  if (many2one.is_number_integer()) return many2one.get<std::int64_t>();
  return 0;
}

// The names from the root down to the tag, reading parents in su (the
// batch's environment).
void ComputeDisplayName(orm::ComputeBatch& batch) {
  orm::RecordSet tags = orm::RecordSet::Of(batch.env(), "res.partner.category");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Value& own = batch.Get(i, "name");
    std::string name = own.is_string() ? own.get<std::string>() : "";
    std::int64_t parent = IdOf(batch.Get(i, "parent_id"));
    for (int depth = 0; parent != 0 && depth < kMaxDepth; ++depth) {
      const Value row = tags.Browse({parent}).Read({"name", "parent_id"})[0];
      name = (row["name"].is_string() ? row["name"].get<std::string>() : "") + " / " + name;
      parent = IdOf(row["parent_id"]);
    }
    batch.Set(i, "display_name", name);
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
      Char("display_name").Compute("_compute_display_name", {"name", "parent_id"}, false),
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
