// CallModelMethod against PostgreSQL: every default method with positional
// and keyword arguments and Odoo's RPC result shapes; private and unknown
// methods refused with Odoo's messages; module methods (record and model
// level, exposed or not); a context that cannot give su; and every method
// refused to a user without rights (the guard is in the path).
#include "orm/method_dispatch.hpp"

#include <gtest/gtest.h>

#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;
using testing::J;
using testing::kAdmin;

struct Dispatch {
  RecordFixture fx = RecordFixture::Make("method_dispatch");
  std::int64_t group = fx.AddGroup("Staff", "base.group_system");  // sees internal_note, so may copy
  std::int64_t user = fx.AddUser("staff", {group});
  std::int64_t nobody = fx.AddUser("nobody", {});
  Dispatch() {
    fx.AddAccess("res.partner", group, "rwcu");
    fx.AddAccess("res.partner.category", group, "rwcu");
    fx.AddAccess("res.partner.bank", group, "rwcu");
    fx.AddAccess("res.users", group, "r");
    fx.AddAccess("res.company", group, "r");
  }
  Value Call(std::int64_t uid, std::string_view method, const char* args, const char* kwargs = "{}") {
    Environment env = fx.Env(uid);
    return CallModelMethod(env, "res.partner", method, J(args), J(kwargs));
  }
  std::string Error(std::int64_t uid, std::string_view model, std::string_view method,
                    const char* args = "[]", const char* kwargs = "{}") {
    Environment env = fx.Env(uid);
    try {
      CallModelMethod(env, model, method, J(args), J(kwargs));
    } catch (const UserError& e) {
      return std::string(e.OdooName()) + ": " + e.what();
    }
    return "";
  }
};

TEST(MethodDispatchPg, EveryDefaultMethodPositionalAndKeyword) {
  Dispatch d;
  const std::int64_t u = d.user;
  // create: an int for a dict, a list for a list.
  const Value one = d.Call(u, "create", R"([{"name": "Alpha"}])");
  ASSERT_TRUE(one.is_number_integer());
  const Value two = d.Call(u, "create", "[]", R"({"vals_list": [{"name": "Beta"}, {"name": "Gamma", "type": "invoice"}]})");
  ASSERT_TRUE(two.is_array());
  ASSERT_EQ(two.size(), 2u);
  const std::int64_t alpha = one, beta = two[0], gamma = two[1];

  EXPECT_EQ(d.Call(u, "search", R"([[["type", "=", "contact"]]])"), Value::array({alpha, beta}));
  EXPECT_EQ(d.Call(u, "search", R"([[], 1, 1, "name desc"])"), Value::array({beta}));
  EXPECT_EQ(d.Call(u, "search", "[]", R"({"domain": [], "order": "name desc", "limit": 1})"), Value::array({gamma}));
  EXPECT_EQ(d.Call(u, "search_count", "[[]]"), 3);
  EXPECT_EQ(d.Call(u, "search_count", "[]", R"({"domain": [], "limit": 2})"), 2);
  EXPECT_EQ(d.Call(u, "search_read", R"([[["name", "=", "Beta"]], ["name"]])"),
            Value::array({Value{{"id", beta}, {"name", "Beta"}}}));
  EXPECT_EQ(d.Call(u, "search_read", "[]", R"({"domain": [["name", "=", "Beta"]], "fields": ["name"]})"),
            Value::array({Value{{"id", beta}, {"name", "Beta"}}}));
  EXPECT_EQ(d.Call(u, "search_read", "[]", R"({"fields": ["name"], "limit": 1, "offset": 2, "order": "name"})")[0]["name"],
            "Gamma");

  const std::string ids = "[" + std::to_string(alpha) + "]";
  EXPECT_EQ(d.Call(u, "write", ("[" + ids + R"(, {"parent_id": )" + std::to_string(beta) + "}]").c_str()), true);
  EXPECT_EQ(d.Call(u, "read", ("[" + ids + R"(, ["parent_id"]])").c_str())[0]["parent_id"],
            Value::array({beta, "Beta"}));
  EXPECT_EQ(d.Call(u, "read", ("[" + std::to_string(alpha) + "]").c_str(), R"({"fields": ["parent_id"], "load": null})")[0]["parent_id"],
            beta) << "an int for the ids; load=None gives many2one ids";
  EXPECT_EQ(d.Call(u, "copy", ("[" + ids + "]").c_str()).size(), 1u);
  EXPECT_EQ(d.Call(u, "copy", ("[" + ids + "]").c_str(), R"({"default": {"name": "Delta"}})").size(), 1u);
  EXPECT_EQ(d.Call(u, "name_search", R"(["Delta"])"), J(("[[" + std::to_string(gamma + 2) + ", \"Delta\"]]").c_str()));
  EXPECT_EQ(d.Call(u, "name_search", "[]", R"({"name": "a", "args": [["type", "=", "invoice"]], "operator": "ilike", "limit": 5})"),
            J(("[[" + std::to_string(gamma) + ", \"Gamma\"]]").c_str()));
  EXPECT_EQ(d.Call(u, "name_create", R"(["Epsilon"])")[1], "Epsilon");
  EXPECT_EQ(d.Call(u, "default_get", R"([["type", "name"]])"), J(R"({"type": "contact"})"));
  EXPECT_EQ(d.Call(u, "default_get", "[]", R"({"fields_list": ["type"], "context": {"default_type": "invoice"}})"),
            J(R"({"type": "invoice"})"));
  EXPECT_EQ(d.Call(u, "fields_get", R"([["name"], ["type"]])"), J(R"({"name": {"type": "char"}})"));
  EXPECT_EQ(d.Call(u, "fields_get", "[]", R"({"allfields": ["name"], "attributes": []})"), J(R"({"name": {}})"));
  Value invoices = J(R"({"type": "invoice", "type_count": 1, "color": 0, "__domain": [["type", "=", "invoice"]]})");
  invoices["color"] = u * 10;  // the default of color
  EXPECT_EQ(d.Call(u, "read_group", R"([[], ["color"], ["type"]])")[1], invoices);
  EXPECT_EQ(d.Call(u, "read_group", "[]", R"({"domain": [], "fields": [], "groupby": "type", "lazy": false, "orderby": "type desc", "limit": 1})"),
            J(R"([{"type": "invoice", "__count": 1, "__domain": [["type", "=", "invoice"]]}])"));
  EXPECT_EQ(d.Call(u, "check_access_rights", R"(["read"])"), nullptr) << "Odoo returns None";
  EXPECT_EQ(d.Call(u, "check_access_rights", "[]", R"({"operation": "create", "raise_exception": false})"), true);
  EXPECT_EQ(d.Call(u, "check_access_rule", ("[" + ids + R"(, "write"])").c_str()), nullptr);
  EXPECT_EQ(d.Call(u, "check_access", ("[" + ids + "]").c_str(), R"({"operation": "unlink"})"), nullptr);
  EXPECT_EQ(d.Call(u, "has_access", ("[" + ids + R"(, "write"])").c_str()), true);
  EXPECT_EQ(d.Call(u, "unlink", ("[" + ids + "]").c_str()), true);
  EXPECT_EQ(d.Call(u, "search_count", "[[]]"), 5);
}

TEST(MethodDispatchPg, PrivateUnknownAndBadArgumentsWithOdoosMessages) {
  Dispatch d;
  const std::int64_t u = d.user;
  EXPECT_EQ(d.Error(u, "res.partner", "_read_group", "[[]]"),
            "odoo.exceptions.AccessError: Private methods (such as 'res.partner._read_group') cannot be called remotely.");
  EXPECT_EQ(d.Error(u, "res.partner", "_test_echo", "[[]]"),
            "odoo.exceptions.AccessError: Private methods (such as 'res.partner._test_echo') cannot be called remotely.");
  EXPECT_EQ(d.Error(u, "res.partner", "frobnicate"),
            "builtins.AttributeError: The method 'res.partner.frobnicate' does not exist");
  EXPECT_EQ(d.Error(u, "res.partner", "test_hidden", "[[1]]"),
            "builtins.AttributeError: The method 'res.partner.test_hidden' does not exist")
      << "a module method that is not exposed";
  EXPECT_EQ(d.Error(u, "res.partner", "browse", "[[1]]"),
            "builtins.AttributeError: The method 'res.partner.browse' does not exist");
  EXPECT_EQ(d.Error(u, "res.nothing", "search", "[[]]"), "odoo.exceptions.UserError: Object res.nothing doesn't exist");
  EXPECT_EQ(d.Error(u, "res.partner", "search", "[[]]", R"({"bogus": 1})"),
            "builtins.TypeError: BaseModel.search() got an unexpected keyword argument 'bogus'");
  EXPECT_EQ(d.Error(u, "res.partner", "search", "[]"),
            "builtins.TypeError: BaseModel.search() missing 1 required positional argument: 'domain'");
  EXPECT_EQ(d.Error(u, "res.partner", "unlink", R"([[1], 2])"),
            "builtins.TypeError: BaseModel.unlink() takes 1 positional argument but 2 were given");
  EXPECT_EQ(d.Error(u, "res.partner", "search", R"([[], "zero"])"),
            "builtins.TypeError: BaseModel.search() argument 'offset' must be an integer");
  EXPECT_EQ(d.Error(u, "res.partner", "read", R"([["1"]])"),
            "builtins.TypeError: BaseModel.read() argument 'ids' must be an id or a list of ids");
  EXPECT_EQ(d.Error(u, "res.partner", "write", "[]").rfind("builtins.TypeError", 0), 0u) << "no ids";
  EXPECT_EQ(d.Error(u, "res.partner", "search", "[[]]", R"({"context": [1]})"),
            "builtins.TypeError: context must be a dictionary");
  std::string deep = "{\"context\": {\"a\": " + std::string(20, '[') + std::string(20, ']') + "}}";
  EXPECT_EQ(d.Error(u, "res.partner", "search", "[[]]", deep.c_str()), "builtins.TypeError: The context is too large.");
}

TEST(MethodDispatchPg, ModuleMethodsAndAContextThatCannotGiveSu) {
  Dispatch d;
  const std::int64_t u = d.user;
  const Value echo = d.Call(u, "test_echo", R"([[3, 4], "x"])", R"({"y": 1, "context": {"su": true, "lang": "fr_FR"}})");
  EXPECT_EQ(echo["ids"], J("[3, 4]"));
  EXPECT_EQ(echo["args"], J(R"(["x"])"));
  EXPECT_EQ(echo["kwargs"], J(R"({"y": 1})")) << "context popped from kwargs";
  EXPECT_EQ(echo["context"], J(R"({"su": true, "lang": "fr_FR"})"));
  EXPECT_EQ(echo["su"], false) << "a context key is never su";
  d.Call(u, "create", R"([{"name": "P"}])");
  EXPECT_EQ(d.Call(u, "test_count", "[]"), 1) << "a model-level method takes no ids";
  // The guard still refuses a user without rights, whatever the context says.
  EXPECT_EQ(d.Error(d.nobody, "res.partner", "search", "[[]]", R"({"context": {"su": true, "sudo": true, "uid": 1}})")
                .rfind("odoo.exceptions.AccessError", 0),
            0u);
  EXPECT_EQ(d.Error(d.nobody, "res.partner", "test_count").rfind("odoo.exceptions.AccessError", 0), 0u);
}

TEST(MethodDispatchPg, EveryMethodRefusedToAUserWithoutRights) {
  Dispatch d;
  Environment admin = d.fx.Env(kAdmin).Sudo();
  const std::int64_t id = RecordSet::Of(admin, "res.partner").Create(J(R"({"name": "P"})")).at(0);
  const std::string ids = "[" + std::to_string(id) + "]";
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"search", "[[]]"},
      {"search_count", "[[]]"},
      {"search_read", "[[]]"},
      {"read", "[" + ids + "]"},
      {"create", R"([{"name": "Q"}])"},
      {"write", "[" + ids + R"(, {"name": "Q"}])"},
      {"unlink", "[" + ids + "]"},
      {"copy", "[" + ids + "]"},
      {"name_search", R"(["P"])"},
      {"name_create", R"(["Q"])"},
      {"read_group", R"([[], [], ["type"]])"},
      {"check_access_rights", R"(["read"])"},
      {"check_access_rule", "[" + ids + R"(, "read"])"},
      {"check_access", "[" + ids + R"(, "read"])"},
  };
  for (const auto& [method, args] : calls) {
    EXPECT_EQ(d.Error(d.nobody, "res.partner", method, args.c_str()).rfind("odoo.exceptions.AccessError", 0), 0u)
        << method;
  }
  EXPECT_EQ(d.Call(d.nobody, "has_access", ("[" + ids + R"(, "read"])").c_str()), false);
  EXPECT_EQ(d.Call(d.nobody, "check_access_rights", R"(["read", false])"), false);
  // fields_get and default_get describe, they read no record (as Odoo).
  EXPECT_TRUE(d.Call(d.nobody, "fields_get", R"([["name"], ["type"]])").contains("name"));
}

}  // namespace
}  // namespace citadel::orm
