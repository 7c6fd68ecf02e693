// Python's argument binding, as the dispatcher applies it to Odoo 18's
// signatures: positional, keyword, defaults, and TypeError's exact wording.
#include "orm/method_arguments.hpp"

#include <gtest/gtest.h>

#include "orm/method_dispatch.hpp"

namespace citadel::orm::method_arguments {
namespace {

const Value kNone = nullptr;
const std::vector<Parameter> kSearch = {
    {"domain", {}}, {"offset", Value(0)}, {"limit", kNone}, {"order", kNone}};

std::string BindError(const Value& args, const Value& kwargs,
                      const std::vector<Parameter>& parameters = kSearch) {
  try {
    Bind("search", parameters, args, kwargs);
  } catch (const ArgumentError& e) {
    return e.what();
  }
  return "";
}

TEST(MethodArguments, PositionalKeywordAndDefaults) {
  auto values = Bind("search", kSearch, Value::parse(R"([[], 5])"), Value::parse(R"({"order": "name"})"));
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0], Value::array());
  EXPECT_EQ(values[1], 5);
  EXPECT_TRUE(values[2].is_null());
  EXPECT_EQ(values[3], "name");
  values = Bind("search", kSearch, nullptr, Value::parse(R"({"domain": [], "limit": 3})"));
  EXPECT_EQ(values[2], 3);
  EXPECT_EQ(values[1], 0);
}

TEST(MethodArguments, PythonTypeErrorWording) {
  EXPECT_EQ(BindError(Value::array(), Value::parse(R"({"domain": [], "bogus": 1})")),
            "BaseModel.search() got an unexpected keyword argument 'bogus'");
  EXPECT_EQ(BindError(Value::parse("[[]]"), Value::parse(R"({"domain": []})")),
            "BaseModel.search() got multiple values for argument 'domain'");
  EXPECT_EQ(BindError(Value::array(), Value::object()),
            "BaseModel.search() missing 1 required positional argument: 'domain'");
  EXPECT_EQ(BindError(Value::parse("[[], 0, 1, \"id\", 9, 9]"), Value::object()),
            "BaseModel.search() takes from 2 to 5 positional arguments but 7 were given");
  const std::vector<Parameter> write = {{"vals", {}}};
  EXPECT_EQ(BindError(Value::parse("[{}, 1]"), Value::object(), write),
            "BaseModel.search() takes 2 positional arguments but 3 were given");
  const std::vector<Parameter> three = {{"domain", {}}, {"fields", {}}, {"groupby", {}}};
  EXPECT_EQ(BindError(Value::array(), Value::object(), three),
            "BaseModel.search() missing 3 required positional arguments: 'domain', 'fields', and 'groupby'");
  const std::vector<Parameter> none;
  EXPECT_EQ(BindError(Value::parse("[1]"), Value::object(), none),
            "BaseModel.search() takes 1 positional argument but 2 were given");
}

TEST(MethodArguments, Conversions) {
  EXPECT_EQ(Ids("read", Value(7)), std::vector<std::int64_t>{7});
  EXPECT_EQ(Ids("read", Value::parse("[1, 2]")), (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(Ids("read", Value(false)).empty());
  EXPECT_THROW(Ids("read", Value("1")), ArgumentError);
  EXPECT_THROW(Ids("read", Value::parse(R"([1, "2"])")), ArgumentError);
  EXPECT_EQ(Limit("search", "limit", Value(false)), std::nullopt);
  EXPECT_EQ(Limit("search", "limit", Value(4)), 4);
  EXPECT_THROW(Limit("search", "limit", Value("4")), ArgumentError);
  EXPECT_THROW(Integer("search", "offset", Value(1.5)), ArgumentError);
  EXPECT_EQ(Strings("read", "fields", Value("name")), std::vector<std::string>{"name"});
  EXPECT_THROW(Strings("read", "fields", Value::parse("[1]")), ArgumentError);
  EXPECT_TRUE(Falsy(Value::object()));
  EXPECT_FALSE(Falsy(Value::parse("[0]")));
}

}  // namespace
}  // namespace citadel::orm::method_arguments
