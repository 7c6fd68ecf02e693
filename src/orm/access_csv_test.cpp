#include "orm/access_csv.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

constexpr const char* kHeader = "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n";

TEST(CsvTest, QuotesDoubledQuotesAndLineEnds) {
  auto rows = ParseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\nd,,e\n\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ((*rows)[1], (std::vector<std::string>{"d", "", "e"}));
  EXPECT_FALSE(ParseCsv("a,\"unterminated\n"));
}

TEST(AccessCsvTest, ParsesOdooColumnsAndQualifiesIds) {
  auto lines = ParseAccessCsv(std::string(kHeader) +
                                  "access_partner_user,res.partner user,base.model_res_partner,base.group_user,1,0,0,0\n"
                                  "access_category_all,category all,model_res_partner_category,,1,1,1,1\n",
                              "contacts", "contacts/security/access.csv");
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].xml_id, "contacts.access_partner_user");
  EXPECT_EQ((*lines)[0].group, "base.group_user");
  EXPECT_TRUE((*lines)[0].read);
  EXPECT_FALSE((*lines)[0].write);
  EXPECT_EQ((*lines)[1].model_ref, "contacts.model_res_partner_category");
  EXPECT_EQ((*lines)[1].group, "");
  EXPECT_TRUE((*lines)[1].unlink);
}

TEST(AccessCsvTest, RefusesWhatOdooWouldNotLoad) {
  EXPECT_FALSE(ParseAccessCsv("id,name\n", "m", "f"));
  EXPECT_FALSE(ParseAccessCsv(std::string(kHeader) + "a,b,model_x,,1,0,0\n", "m", "f"));
  EXPECT_FALSE(ParseAccessCsv(std::string(kHeader) + "a,b,model_x,,yes,0,0,0\n", "m", "f"));
  EXPECT_FALSE(ParseAccessCsv(std::string(kHeader) + "a,b,model_x,,1,0,0,0\na,c,model_x,,1,0,0,0\n", "m", "f"));
  EXPECT_FALSE(ParseAccessCsv(std::string(kHeader) + ",b,model_x,,1,0,0,0\n", "m", "f"));
}

TEST(AccessCsvTest, ModelsResolveAgainstTheRegistry) {
  RegistryBuilder b;
  ModelDef users;
  users.name = "res.users";
  b.AddModel("base", users);
  ModelDef partner;
  partner.name = "res.partner";
  b.AddModel("base", partner);
  auto registry = b.Build();
  ASSERT_TRUE(registry);
  auto lines = ParseAccessCsv(std::string(kHeader) + "a,b,base.model_res_partner,,1,0,0,0\n", "m", "f");
  ASSERT_TRUE(ResolveAccessModels(*lines, **registry, "f"));
  EXPECT_EQ((*lines)[0].model, "res.partner");
  auto unknown = ParseAccessCsv(std::string(kHeader) + "a,b,model_res_nothing,,1,0,0,0\n", "m", "f");
  auto resolved = ResolveAccessModels(*unknown, **registry, "f");
  ASSERT_FALSE(resolved);
  EXPECT_NE(resolved.error().message.find("unknown model"), std::string::npos);
}

}  // namespace
}  // namespace citadel::orm
