#include "orm/method_dispatch.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "orm/method_arguments.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

namespace args_ = method_arguments;
using Parameter = method_arguments::Parameter;

struct Call {
  std::string_view method;
  const RecordSet& records;
  std::vector<Value> values;  // bound to the method's parameters
};

struct DefaultMethod {
  bool on_records;  // takes ids first (not @api.model)
  std::vector<Parameter> parameters;
  std::function<Value(Call&)> run;
};

Value IdsValue(const std::vector<std::int64_t>& ids) { return Value(ids); }

// read's load: '_classic_read' gives many2one as [id, name], anything else ids.
Value Loaded(Value rows, const Value& load) {
  if (load.is_string() && load == "_classic_read") return rows;
  for (Value& row : rows) {
    for (auto& [key, value] : row.items()) {
      if (value.is_array() && value.size() == 2 && value[0].is_number_integer() && value[1].is_string()) {
        value = value[0];
      }
    }
  }
  return rows;
}

std::string Operation(const Call& call, std::size_t index) {
  return args_::Text(call.method, "operation", call.values[index]);
}

const std::map<std::string, DefaultMethod, std::less<>>& DefaultMethods() {
  const Value none = nullptr;
  static const std::map<std::string, DefaultMethod, std::less<>> kMethods = {
      {"search",
       {false, {{"domain", {}}, {"offset", Value(0)}, {"limit", none}, {"order", none}},
        [](Call& c) {
          return IdsValue(c.records.Search(c.values[0], args_::Integer(c.method, "offset", c.values[1]),
                                           args_::Limit(c.method, "limit", c.values[2]),
                                           args_::Text(c.method, "order", c.values[3])));
        }}},
      {"search_count",
       {false, {{"domain", {}}, {"limit", none}},
        [](Call& c) {
          const std::int64_t count = c.records.SearchCount(c.values[0]);
          const auto limit = args_::Limit(c.method, "limit", c.values[1]);
          return Value(limit ? std::min(count, *limit) : count);
        }}},
      {"search_read",
       {false,
        {{"domain", none}, {"fields", none}, {"offset", Value(0)}, {"limit", none}, {"order", none},
         {"load", Value("_classic_read")}},
        [](Call& c) {
          const Value domain = args_::Falsy(c.values[0]) ? Value::array() : c.values[0];
          return Loaded(c.records.SearchRead(domain, args_::Strings(c.method, "fields", c.values[1]),
                                             args_::Integer(c.method, "offset", c.values[2]),
                                             args_::Limit(c.method, "limit", c.values[3]),
                                             args_::Text(c.method, "order", c.values[4])),
                        c.values[5]);
        }}},
      {"read",
       {true, {{"fields", none}, {"load", Value("_classic_read")}},
        [](Call& c) {
          return Loaded(c.records.Read(args_::Strings(c.method, "fields", c.values[0])), c.values[1]);
        }}},
      {"create",
       {false, {{"vals_list", {}}},
        [](Call& c) {
          const std::vector<std::int64_t> ids = c.records.Create(c.values[0]);
          return c.values[0].is_object() ? Value(ids.at(0)) : IdsValue(ids);
        }}},
      {"write",
       {true, {{"vals", {}}},
        [](Call& c) {
          c.records.Write(c.values[0]);
          return Value(true);
        }}},
      {"unlink",
       {true, {},
        [](Call& c) {
          c.records.Unlink();
          return Value(true);
        }}},
      {"copy",
       {true, {{"default", none}},
        [](Call& c) { return IdsValue(c.records.Copy(c.values[0])); }}},
      {"name_search",
       {false, {{"name", Value("")}, {"args", none}, {"operator", Value("ilike")}, {"limit", Value(100)}},
        [](Call& c) {
          const Value domain = args_::Falsy(c.values[1]) ? Value::array() : c.values[1];
          const auto limit = args_::Limit(c.method, "limit", c.values[3]);
          return c.records.NameSearch(args_::Text(c.method, "name", c.values[0]), domain,
                                      args_::Text(c.method, "operator", c.values[2]), limit.value_or(0));
        }}},
      {"name_create",
       {false, {{"name", {}}},
        [](Call& c) { return c.records.NameCreate(args_::Text(c.method, "name", c.values[0])); }}},
      {"default_get",
       {false, {{"fields_list", {}}},
        [](Call& c) { return c.records.DefaultGet(args_::Strings(c.method, "fields_list", c.values[0])); }}},
      {"fields_get",
       {false, {{"allfields", none}, {"attributes", none}},
        [](Call& c) {
          Value fields = c.records.FieldsGet(args_::Strings(c.method, "allfields", c.values[0]),
                                             args_::Strings(c.method, "attributes", c.values[1]));
          // Odoo: attributes=[] (not None) asks for no attribute at all.
          if (c.values[1].is_array() && c.values[1].empty()) {
            for (auto& [name, description] : fields.items()) description = Value::object();
          }
          return fields;
        }}},
      {"read_group",
       {false,
        {{"domain", {}}, {"fields", {}}, {"groupby", {}}, {"offset", Value(0)}, {"limit", none},
         {"orderby", Value(false)}, {"lazy", Value(true)}},
        [](Call& c) {
          const Value domain = args_::Falsy(c.values[0]) ? Value::array() : c.values[0];
          const Value& lazy = c.values[6];
          if (!lazy.is_boolean() && !lazy.is_number_integer() && !lazy.is_null()) {
            throw ArgumentError("BaseModel.read_group() argument 'lazy' must be a boolean");
          }
          return c.records.ReadGroup(domain, args_::Strings(c.method, "fields", c.values[1]),
                                     args_::Strings(c.method, "groupby", c.values[2]),
                                     args_::Integer(c.method, "offset", c.values[3]),
                                     args_::Limit(c.method, "limit", c.values[4]),
                                     args_::Text(c.method, "orderby", c.values[5]), !args_::Falsy(lazy));
        }}},
      {"check_access_rights",
       {false, {{"operation", {}}, {"raise_exception", Value(true)}},
        [](Call& c) {
          const bool raise = !args_::Falsy(c.values[1]);
          const bool allowed = c.records.CheckAccessRights(Operation(c, 0), raise);
          return raise ? Value(nullptr) : Value(allowed);  // Odoo returns None when raising
        }}},
      {"check_access_rule",
       {true, {{"operation", {}}},
        [](Call& c) {
          c.records.CheckAccessRule(Operation(c, 0));
          return Value(nullptr);
        }}},
      {"check_access",
       {true, {{"operation", {}}},
        [](Call& c) {
          c.records.CheckAccess(Operation(c, 0));
          return Value(nullptr);
        }}},
      {"has_access",
       {true, {{"operation", {}}},
        [](Call& c) { return Value(c.records.HasAccess(Operation(c, 0))); }}},
  };
  return kMethods;
}

int Depth(const Value& value, int depth) {
  if (depth > kMaxContextDepth) return depth;
  int deepest = depth;
  if (value.is_structured()) {
    for (const Value& item : value) deepest = std::max(deepest, Depth(item, depth + 1));
  }
  return deepest;
}

// Odoo: context = kwargs.pop('context', None) or {}; recs.with_context(context).
Environment WithCallerContext(const Environment& env, const Value& kwargs) {
  auto it = kwargs.is_object() ? kwargs.find("context") : kwargs.end();
  if (!kwargs.is_object() || it == kwargs.end() || args_::Falsy(*it)) return env;
  if (!it->is_object()) throw ArgumentError("context must be a dictionary");
  if (Depth(*it, 1) > kMaxContextDepth || it->dump().size() > kMaxContextBytes) {
    throw ArgumentError("The context is too large.");
  }
  Value context = env.context();
  for (const auto& [key, value] : it->items()) context[key] = value;
  return env.WithContext(std::move(context));
}

}  // namespace

bool TakesRecordIds(const Model& model, std::string_view method) {
  const auto& defaults = DefaultMethods();
  auto known = defaults.find(method);
  return known != defaults.end() ? known->second.on_records : !model.IsModelLevelMethod(method);
}

bool IsReadOnlyDefaultMethod(std::string_view method) {
  static constexpr std::string_view kReadOnly[] = {"search",      "search_count", "search_read", "read",
                                                   "name_search", "read_group",   "fields_get"};
  return std::find(std::begin(kReadOnly), std::end(kReadOnly), method) != std::end(kReadOnly);
}

Value CallModelMethod(const Environment& caller, std::string_view model_name, std::string_view method,
                      const Value& args, const Value& kwargs) {
  const Model* model = caller.registry().FindModel(model_name);
  if (model == nullptr) throw UserError("Object " + std::string(model_name) + " doesn't exist");
  const std::string qualified = model->name() + "." + std::string(method);
  if (!method.empty() && method.front() == '_') {
    throw AccessError("Private methods (such as '" + qualified + "') cannot be called remotely.");
  }
  if (!model->IsExposed(method)) throw MethodNotFound("The method '" + qualified + "' does not exist");
  if (!args.is_array() && !args.is_null()) throw ArgumentError("args must be a list");
  if (!kwargs.is_object() && !kwargs.is_null()) throw ArgumentError("kwargs must be a dictionary");

  const Environment env = WithCallerContext(caller, kwargs);
  Value rest_kwargs = kwargs.is_object() ? kwargs : Value::object();
  rest_kwargs.erase("context");
  Value rest_args = args.is_array() ? args : Value::array();

  const auto& defaults = DefaultMethods();
  auto known = defaults.find(method);
  const bool on_records = TakesRecordIds(*model, method);
  RecordSet records(env, *model);
  if (on_records) {
    if (rest_args.empty()) {
      // Odoo's call_kw takes args[0] as the ids.
      throw ArgumentError(qualified + "() needs the record ids as its first argument");
    }
    records = records.Browse(args_::Ids(method, rest_args[0]));
    rest_args.erase(rest_args.begin());
  }
  if (known != defaults.end()) {
    Call call{method, records, args_::Bind(method, known->second.parameters, rest_args, rest_kwargs)};
    return known->second.run(call);
  }
  auto custom = model->methods().find(method);
  if (custom == model->methods().end()) throw MethodNotFound("The method '" + qualified + "' does not exist");
  return custom->second(records, rest_args, rest_kwargs);
}

}  // namespace citadel::orm
