// RecordSet: records of one model seen by one Environment, and the ORM's CRUD
// on them, in Odoo's external API shapes:
//
//   RecordSet partners = RecordSet::Of(env, "res.partner");
//   std::vector<std::int64_t> ids = partners.Search(domain, 0, 80, "name desc, id");
//   Value rows = partners.Browse(ids).Read({"name", "parent_id", "category_id"});
//   std::vector<std::int64_t> created = partners.Create(Value::array({{{"name", "Acme"}}}));
//   partners.Browse(created).Write({{"category_id", {{6, 0, {1, 2}}}}});
//   partners.Browse(created).Unlink();
//
// Every operation calls AccessGuard (access_guard.hpp) before any SQL of its
// own: model rights, then record rules (compiled into the query for reads,
// checked on the ids for write/unlink, checked on the new rows for create),
// then fields. All SQL is ComposedSql: values bound, identifiers from the
// registry. Read and SearchRead cost one query for the rows plus at most one
// per relational field, whatever the number of rows (plus the guard's own,
// which an Environment carrying a SecurityCache snapshot answers from memory).
//
// Values (value.hpp): false is empty; many2one reads [id, display_name] or
// false; x2many a list of ids; dates "YYYY-MM-DD", datetimes
// "YYYY-MM-DD HH:MM:SS" (UTC); integers and floats read 0 when NULL, as
// Odoo's. Binary fields have no column yet (file store): read false, write
// refused. Writes of x2many take Odoo's commands (0,0,vals) (1,id,vals)
// (2,id,0) (3,id,0) (4,id,0) (5,0,0) (6,0,ids), or a plain list of ids.
//
// Ownership: a small value borrowing its Environment (which must outlive it)
// and the Registry's Model. Not thread-safe, as the Environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

class RecordSet {
 public:
  RecordSet(const Environment& env, const Model& model, std::vector<std::int64_t> ids = {})
      : env_(&env), model_(&model), ids_(std::move(ids)) {}
  // ValidationError for an unknown model.
  static RecordSet Of(const Environment& env, std::string_view model) {
    return RecordSet(env, env.GetModel(model));
  }

  const Environment& env() const { return *env_; }
  const Model& model() const { return *model_; }
  const std::vector<std::int64_t>& ids() const { return ids_; }
  RecordSet Browse(std::vector<std::int64_t> ids) const { return RecordSet(*env_, *model_, std::move(ids)); }

  // Ids matching `domain` (a JSON domain), archived ones hidden unless the
  // context's active_test is false, within the user's read rules, in
  // `order` (validated; empty: the model's) from `offset`, at most `limit`.
  std::vector<std::int64_t> Search(const Value& domain, std::int64_t offset = 0,
                                   std::optional<std::int64_t> limit = std::nullopt,
                                   std::string_view order = "") const;
  std::int64_t SearchCount(const Value& domain) const;

  // One dict per id, in the ids' order, with "id" and the named fields (all
  // readable ones when `fields` is empty). Ids that no longer exist are left
  // out, as Odoo 18's read (kept only when no field read needs the row: 'id',
  // x2many, binary; crud_read.cpp); AccessError for ids outside the read rules.
  Value Read(const std::vector<std::string>& fields) const;

  // One record per dict of `vals_list` (a dict alone is one record); the new
  // ids in order.
  std::vector<std::int64_t> Create(const Value& vals_list) const;
  // MissingError for ids that do not exist.
  void Write(const Value& vals) const;
  // Deletes the records and their external ids (ir.model.data). Ids that no
  // longer exist are ignored, or a MissingError when a record rule applies
  // (crud_unlink.cpp).
  void Unlink() const;

  // ---- Odoo 18's other public methods (crud_search_read.cpp, crud_copy.cpp,
  // crud_name.cpp, crud_read_group*.cpp, crud_default_get.cpp,
  // crud_fields_get.cpp, crud_access_check.cpp), each through AccessGuard.
  // Shapes are the external API's; method_dispatch.hpp maps RPC calls here.

  // Search then Read, in the search's order, in ONE statement for the rows
  // (the search's WHERE, ORDER BY and LIMIT selecting the read's columns),
  // then at most one per relational field, as Read (crud_search_read.cpp).
  Value SearchRead(const Value& domain, const std::vector<std::string>& fields, std::int64_t offset,
                   std::optional<std::int64_t> limit, std::string_view order) const;
  // Odoo 18 copy(): copyable fields (FieldDef::copy; never id, log-access or
  // display_name) read from each record (read rights and rules), many2many
  // as links, copied one2many lines deep-copied, `default_values` over them,
  // then the model's copy_data hooks, then Create (create rights). The new
  // ids, in the records' order.
  std::vector<std::int64_t> Copy(const Value& default_values) const;
  // The copy_data hook of res.partner and others: `field` gets " (copy)"
  // unless the caller's default gives it a value.
  static CopyDataMethod CopyNameSuffix(std::string field = "name");
  // [[id, display_name], ...] of the records whose display name matches
  // `name` with `op` (searched on the rec_name), within `domain`.
  Value NameSearch(std::string_view name, const Value& domain, std::string_view op,
                   std::int64_t limit) const;
  // Creates a record from its display name alone: [id, display_name]; false
  // (as Odoo) when the model has no rec_name.
  Value NameCreate(std::string_view name) const;
  // Odoo 18's read_group: one dict per group with the groupby values, the
  // count, the aggregates, __domain, __context (lazy) and __range (dates).
  Value ReadGroup(const Value& domain, const std::vector<std::string>& fields,
                  const std::vector<std::string>& groupby, std::int64_t offset,
                  std::optional<std::int64_t> limit, std::string_view orderby, bool lazy) const;
  // Defaults of `fields`: the context's default_<field>, else the field's.
  Value DefaultGet(const std::vector<std::string>& fields) const;
  // {field: {attribute: value}} for the fields the user may see.
  Value FieldsGet(const std::vector<std::string>& allfields,
                  const std::vector<std::string>& attributes) const;
  // Odoo's access checks; `operation` is "read", "write", "create" or
  // "unlink" (ValidationError otherwise).
  bool CheckAccessRights(std::string_view operation, bool raise_exception) const;
  void CheckAccessRule(std::string_view operation) const;
  void CheckAccess(std::string_view operation) const;
  bool HasAccess(std::string_view operation) const;

 private:
  const Environment* env_;
  const Model* model_;
  std::vector<std::int64_t> ids_;
};

}  // namespace citadel::orm
