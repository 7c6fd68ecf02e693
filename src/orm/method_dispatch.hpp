// CallModelMethod: the one way a request reaches a model method, as Odoo 18's
// execute_kw does (odoo/service/model.py execute_cr + get_public_method, then
// odoo/api.py call_kw):
//
//   Value result = CallModelMethod(env, "res.partner", "search_read",
//                                  args /* [[["is_company", "=", true]]] */,
//                                  kwargs /* {"fields": ["name"], "limit": 5} */);
//
// 1. The model must exist (UserError "Object x doesn't exist").
// 2. The method must be on the allow-list: Odoo's default list
//    (DefaultExposedMethods, registry.hpp) or the model's exposed_methods. A
//    name starting with '_' is never callable (AccessError "Private methods
//    (such as 'm._x') cannot be called remotely."); any other name is
//    MethodNotFound "The method 'm.x' does not exist" (Odoo's AttributeError).
// 3. `context` is popped from kwargs and laid over the environment's context
//    (bounded in size and depth; it can never turn su on: su is not in the
//    context, and nothing here calls Sudo()).
// 4. Record methods take the ids as the first positional argument (an int or
//    a list of ints); model methods (create, search, search_read,
//    search_count, name_search, name_create, default_get, fields_get,
//    read_group, check_access_rights, and module methods listed in
//    ModelDef::model_methods) take none.
// 5. The rest is bound to the method's Odoo 18 signature as Python binds it;
//    a wrong count, an unknown or repeated keyword is ArgumentError with
//    Python's TypeError wording ("BaseModel.search() got an unexpected
//    keyword argument 'x'"), a value of the wrong kind ArgumentError too.
// 6. The RecordSet method runs — it passes AccessGuard itself; nothing here
//    checks access — and its result is returned as Odoo returns it over RPC
//    (create: an int for a dict, a list for a list; write/unlink: true;
//    check_access*: null).
//
// Stateless; as thread-safe as the Environment it is given (one call, one
// thread).
#pragma once

#include <string_view>

#include "orm/environment.hpp"
#include "orm/errors.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

// A method that is not callable on the model: Odoo's AttributeError.
class MethodNotFound : public UserError {
 public:
  using UserError::UserError;
  const char* OdooName() const override { return "builtins.AttributeError"; }
};

// Arguments that do not fit the method's signature: Python's TypeError.
class ArgumentError : public UserError {
 public:
  using UserError::UserError;
  const char* OdooName() const override { return "builtins.TypeError"; }
};

// Whether `method` is one of Odoo's default methods that only read (search,
// search_count, search_read, read, name_search, read_group, fields_get): no
// module can redefine them (Registry::Build refuses a module method named like
// a default one), and they have no effect outside the transaction, which a
// caller may therefore run before it has finished checking the credentials
// and then roll back (rpc/object_service.cpp).
bool IsReadOnlyDefaultMethod(std::string_view method);

inline constexpr std::size_t kMaxContextBytes = 64 * 1024;
inline constexpr int kMaxContextDepth = 16;

Value CallModelMethod(const Environment& env, std::string_view model, std::string_view method,
                      const Value& args, const Value& kwargs);

// True if `method` takes record ids (a record method), false for a model
// method (Odoo's @api.model): what a caller that names the ids apart, as
// Odoo 19's JSON-2 does, needs to know to refuse ids a method cannot take.
bool TakesRecordIds(const Model& model, std::string_view method);

}  // namespace citadel::orm
