// Data files of modules: [[record]] and [[rule]] TOML, strictness and bounds.
#include "orm/module_data.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

DataFile MustParse(const std::string& text) {
  auto parsed = ParseDataToml(text, "contacts", "contacts/data/x.toml");
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : DataFile{};
}

std::string ErrorOf(const std::string& text) {
  auto parsed = ParseDataToml(text, "contacts", "contacts/data/x.toml");
  EXPECT_FALSE(parsed) << text;
  return parsed ? "" : parsed.error().message;
}

TEST(ModuleDataTest, RecordsWithValuesAndRefs) {
  DataFile file = MustParse(R"(
[[record]]
id = "tag_vip"
model = "res.partner.category"
noupdate = true
[record.values]
name = "VIP"
color = 3
ratio = 0.5
active = true
since = 2024-01-02
seen = 2024-01-02T03:04:05Z
parent_id = { ref = "base.tag_root" }
partner_ids = { refs = ["main_partner", "base.partner_admin"] }
codes = ["a", "b"]

[[record]]
id = "base.main_partner"
model = "res.partner"
)");
  ASSERT_EQ(file.kind, DataFileKind::kRecords);
  ASSERT_EQ(file.records.size(), 2u);
  const DataRecord& tag = file.records[0];
  EXPECT_EQ(tag.xml_id, "contacts.tag_vip") << "module-local ids are qualified";
  EXPECT_EQ(tag.model, "res.partner.category");
  EXPECT_TRUE(tag.noupdate);
  EXPECT_EQ(tag.values["name"], "VIP");
  EXPECT_EQ(tag.values["color"], 3);
  EXPECT_DOUBLE_EQ(tag.values["ratio"].get<double>(), 0.5);
  EXPECT_EQ(tag.values["active"], true);
  EXPECT_EQ(tag.values["since"], "2024-01-02");
  EXPECT_EQ(tag.values["seen"], "2024-01-02 03:04:05");
  EXPECT_EQ(tag.values["parent_id"], Value::parse(R"({"ref": "base.tag_root"})"));
  EXPECT_EQ(tag.values["partner_ids"],
            Value::parse(R"({"refs": ["contacts.main_partner", "base.partner_admin"]})"));
  EXPECT_EQ(tag.values["codes"], Value::parse(R"(["a", "b"])"));
  EXPECT_EQ(file.records[1].xml_id, "base.main_partner") << "another module's id stays";
  EXPECT_FALSE(file.records[1].noupdate);
  EXPECT_TRUE(file.records[1].values.empty());
}

TEST(ModuleDataTest, Rules) {
  DataFile file = MustParse(R"(
[[rule]]
id = "res_partner_rule"
name = "Own contacts"
model = "res.partner"
groups = ["base.group_user", "group_local"]
domain = '[["user_id", "=", {"var": "user.id"}]]'
perm_unlink = false

[[rule]]
id = "global_rule"
name = "Companies"
model = "res.partner"
)");
  ASSERT_EQ(file.kind, DataFileKind::kRules);
  ASSERT_EQ(file.rules.size(), 2u);
  const RuleRecord& rule = file.rules[0];
  EXPECT_EQ(rule.xml_id, "contacts.res_partner_rule");
  EXPECT_EQ(rule.groups, (std::vector<std::string>{"base.group_user", "contacts.group_local"}));
  EXPECT_EQ(rule.domain, R"([["user_id","=",{"var":"user.id"}]])") << "kept as written, compact";
  EXPECT_TRUE(rule.perm_read && rule.perm_write && rule.perm_create);
  EXPECT_FALSE(rule.perm_unlink);
  EXPECT_TRUE(file.rules[1].groups.empty()) << "global";
  EXPECT_EQ(file.rules[1].domain, "[]");
}

// Found by the data_toml fuzzer: an id valid alone, too long once the
// module's name is put in front of it, was accepted and left invalid.
TEST(ModuleDataTest, AnIdTooLongWithItsModuleIsRefused) {
  std::string id(120, 'j');
  while (IsXmlId(id + "j")) id += "j";  // the longest valid bare name
  EXPECT_NE(ErrorOf("[[record]]\nid = \"" + id + "\"\nmodel = \"res.partner\"\n").find("too long"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[[record]]\nid = \"x\"\nmodel = \"res.partner\"\n[record.values]\nparent_id = { ref = \"" +
                    id + "\" }\n").find("ref must be an external id"),
            std::string::npos);
}

TEST(ModuleDataTest, EmptyFileLoadsNothing) {
  DataFile file = MustParse("");
  EXPECT_TRUE(file.records.empty());
  EXPECT_TRUE(file.rules.empty());
}

TEST(ModuleDataTest, RefusalsNameTheFileAndTheRecord) {
  std::string message = ErrorOf("[[record]]\nid = \"x\"\nmodel = \"res.partner\"\ncolour = 1\n");
  EXPECT_NE(message.find("contacts/data/x.toml record 1 (x)"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key colour"), std::string::npos) << message;

  message = ErrorOf("[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"res.partner\"\nactive = false\n");
  EXPECT_NE(message.find("rule 1 (r)"), std::string::npos) << message;

  for (const char* bad : {
           "[[record]]\nmodel = \"res.partner\"\n",                      // no id
           "[[record]]\nid = \"x\"\n",                                   // no model
           "[[record]]\nid = \"a b\"\nmodel = \"res.partner\"\n",        // space in the id
           "[[record]]\nid = \"x.y.z\"\nmodel = \"res.partner\"\n",      // two dots
           "[[record]]\nid = \"Bad.y\"\nmodel = \"res.partner\"\n",      // module part
           "[[record]]\nid = \"x\"\nmodel = \"Res Partner\"\n",          // model name
           "[[record]]\nid = \"x\"\nmodel = \"m\"\nnoupdate = 1\n",      // not a bool
           "[[record]]\nid = \"x\"\nmodel = \"m\"\nvalues = 3\n",        // not a table
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\np = { id = 3 }\n",
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\np = { ref = 3 }\n",
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\np = { ref = \"a\", refs = [] }\n",
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\np = { refs = [\"a b\"] }\n",
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\nt = 03:04:05\n",
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\nt = 2024-01-02T03:04:05+02:00\n",
           "[[rule]]\nid = \"r\"\nmodel = \"m\"\n",                      // no name
           "[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"m\"\ndomain = 'user_id = 1'\n",
           "[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"m\"\ndomain = '{\"a\": 1}'\n",
           "[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"m\"\ngroups = \"base.group_user\"\n",
           "[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"m\"\nperm_read = \"yes\"\n",
           "[[record]]\nid = \"x\"\nmodel = \"m\"\n[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"m\"\n",
           "title = \"data\"\n",                                         // unknown top-level key
           "record = 3\n",                                               // not tables
           "[[record]\n",                                                // TOML syntax
       }) {
    ErrorOf(bad);
  }
}

TEST(ModuleDataTest, Bounds) {
  std::string nested = "[[record]]\nid = \"x\"\nmodel = \"m\"\n[record.values]\np = ";
  for (int i = 0; i < 10; ++i) nested += "[";
  for (int i = 0; i < 10; ++i) nested += "]";
  EXPECT_NE(ErrorOf(nested + "\n").find("nest too deep"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string(4 << 20 | 1, '#')).find("over 4 MiB"), std::string::npos);
  std::string many;
  for (int i = 0; i < 50'001; ++i) many += "[[record]]\nid = \"r\"\nmodel = \"m\"\n";
  EXPECT_NE(ErrorOf(many).find("more than 50,000"), std::string::npos);
}

TEST(ModuleDataTest, XmlIds) {
  EXPECT_EQ(QualifyXmlId("tag", "contacts"), "contacts.tag");
  EXPECT_EQ(QualifyXmlId("base.tag", "contacts"), "base.tag");
  for (const char* good : {"x", "base.USD", "base.group_user", "a-b", "m1.x_2"}) {
    EXPECT_TRUE(IsXmlId(good)) << good;
  }
  for (const char* bad : {"", ".x", "x.", "a.b.c", "a b", "Base.x", "x;drop", "é"}) {
    EXPECT_FALSE(IsXmlId(bad)) << bad;
  }
  EXPECT_FALSE(IsXmlId(std::string(129, 'a')));
}

}  // namespace
}  // namespace citadel::orm
