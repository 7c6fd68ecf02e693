#include "modules/base/models/company_hooks.hpp"

#include <set>
#include <vector>

#include "modules/base/models/model_values.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

void CompanyAfterCreate(const orm::RecordSet& created) {
  const orm::Environment su = created.env().Sudo();
  const orm::RecordSet companies(su, created.model(), created.ids());
  orm::RecordSet partners = orm::RecordSet::Of(su, "res.partner");
  std::set<std::int64_t> currencies;
  orm::Value links = orm::Value::array();
  for (const auto& row : companies.Read({"name", "partner_id", "currency_id"})) {
    const std::int64_t id = row["id"].get<std::int64_t>();
    if (IdOf(row["partner_id"]) == 0) {
      const std::int64_t partner =
          partners.Create({{"name", row["name"]}, {"is_company", true}}).at(0);
      companies.Browse({id}).Write({{"partner_id", partner}});
    }
    if (const std::int64_t currency = IdOf(row["currency_id"])) currencies.insert(currency);
    links.push_back(orm::Value::array({4, id, 0}));
  }
  // Odoo: the creating user and the superuser get the new companies.
  std::vector<std::int64_t> users = {kSuperuserId};
  if (created.env().uid() != kSuperuserId) users.push_back(created.env().uid());
  // Archived users too (base.user_root is archived, as in Odoo).
  const orm::Environment all = su.WithContext({{"active_test", false}});
  orm::RecordSet all_users = orm::RecordSet::Of(all, "res.users");
  const std::vector<std::int64_t> existing =
      all_users.Search(orm::Value::array({orm::Value::array({"id", "in", users})}));
  if (!existing.empty()) all_users.Browse(existing).Write({{"company_ids", links}});
  if (!currencies.empty()) {
    orm::RecordSet currency_set = orm::RecordSet::Of(su, "res.currency");
    std::vector<std::int64_t> ids(currencies.begin(), currencies.end());
    orm::RecordSet(all, currency_set.model(), ids).Write({{"active", true}});
  }
}

}  // namespace

void AddCompanyHooks(orm::ModelDef& companies_def) {
  companies_def.after_create.push_back(
      [](const orm::RecordSet& created, const orm::Value&) { CompanyAfterCreate(created); });
  companies_def.after_write.push_back([](const orm::RecordSet& records, const orm::Value& vals) {
    if (!vals.contains("name")) return;
    const orm::Environment su = records.env().Sudo();
    std::vector<std::int64_t> partners;
    for (const auto& row : orm::RecordSet(su, records.model(), records.ids()).Read({"partner_id"})) {
      if (const std::int64_t partner = IdOf(row["partner_id"])) partners.push_back(partner);
    }
    if (!partners.empty()) {
      orm::RecordSet::Of(su, "res.partner").Browse(partners).Write({{"name", vals["name"]}});
    }
  });
}

}  // namespace citadel::modules::base
