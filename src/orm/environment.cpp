#include "orm/environment.hpp"

#include <string>

#include "orm/errors.hpp"

namespace citadel::orm {

const Model& Environment::GetModel(std::string_view name) const {
  const Model* model = registry_->FindModel(name);
  if (model == nullptr) throw ValidationError("Object " + std::string(name) + " doesn't exist");
  return *model;
}

db::QueryResult Environment::Execute(const db::ComposedSql& statement) const {
  auto result = connection_->ExecuteComposed(statement);
  if (!result) throw DatabaseError(std::move(result.error()));
  return std::move(*result);
}

}  // namespace citadel::orm
