// RecordSet::DefaultGet: Odoo 18's default_get. For each requested name, in
// Odoo's order: the context's `default_<name>`, then the field's default
// (a constant or a function of the environment). There is no ir.default yet
// (user-set defaults). Fields the user may not see (their `groups`, asked of
// AccessGuard) get no default, so a default function cannot show them.
#include <string>

#include "orm/access_guard.hpp"
#include "orm/crud_support.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
Value RecordSet::DefaultGet(const std::vector<std::string>& fields) const {
  const Environment& env = *env_;
  Value defaults = Value::object();
  for (const std::string& name : fields) {
    if (defaults.contains(name)) continue;
    const Field* field = model_->FindField(name);
    if (field != nullptr && !AccessGuard::InFieldGroups(env, *field)) continue;
    // 1. the context; Odoo takes it even for a name that is no field.
    if (auto it = env.context().find("default_" + name); it != env.context().end()) {
      defaults[name] = crud::DefaultInWriteShape(field, *it);
      continue;
    }
    if (field == nullptr) continue;
    // 2. (ir.default: not yet) 3. the field's own default.
    const auto& def = field->def().default_value;
    if (!def) continue;
    if (def->function) {
      defaults[name] = crud::DefaultInWriteShape(field, def->function(env));
    } else if (def->constant) {
      defaults[name] = crud::DefaultInWriteShape(field, *def->constant);
    }
  }
  return defaults;
}

}  // namespace citadel::orm
