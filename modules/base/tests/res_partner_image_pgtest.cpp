// res.partner's image_1920 (Odoo's image.mixin field), on base + contacts
// installed by the real installer: a binary field kept in the tenant's file
// store (the column holds only the reference), read back as base64, and an
// upgrade from base 18.0.1.1 (before the field) adds its column.
#include <gtest/gtest.h>

#include <string>

#include "core/fake_file_system.hpp"
#include "modules/base/tests/installed_base.hpp"
#include "orm/binary_field.hpp"
#include "orm/file_store.hpp"
#include "orm/module_installer.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::testing {
namespace {

using orm::Environment;
using orm::RecordSet;
using orm::Value;

TEST(ResPartnerImage, Image1920IsABinaryInTheFileStore) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  core::FakeFileSystem files;
  orm::FileStore store("/filestore/t_test", files);
  const Environment admin = Environment(installed.registry, c, kAdmin).WithFileStore(store);
  const std::string image("\x89PNG\r\n\x1a\n pixels \x00\xff", 19);
  const std::int64_t id = RecordSet::Of(admin, "res.partner")
                              .Create({{"name", "Pictured"}, {"image_1920", orm::EncodeBinaryBase64(image)}})
                              .at(0);
  const Value read = RecordSet::Of(admin, "res.partner").Browse({id}).Read({"image_1920"});
  EXPECT_EQ(read[0]["image_1920"], orm::EncodeBinaryBase64(image));
  EXPECT_EQ(Scalar(c, db::SqlText("SELECT image_1920 FROM res_partner WHERE name = 'Pictured'")),
            "sha256:" + core::Sha256Hex(image) + ":19")
      << "the column holds the reference, the store the bytes";
  const Value fields = RecordSet::Of(admin, "res.partner").FieldsGet({"image_1920"}, {"type", "string"});
  EXPECT_EQ(fields["image_1920"]["type"], "binary");
  EXPECT_EQ(fields["image_1920"]["string"], "Image");
}

TEST(ResPartnerImage, UpgradeFromTheVersionBeforeAddsTheColumn) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  // A database of base 18.0.1.1: res.partner without image_1920.
  const std::string report = UpgradeBaseFrom(
      c, installed, "18.0.1.1",
      {"ALTER TABLE res_partner DROP COLUMN image_1920",
       "DELETE FROM ir_model_fields WHERE model = 'res.partner' AND name = 'image_1920'"});
  EXPECT_NE(report.find("base 18.0.1.1 -> " + BaseModule().manifest.version), std::string::npos) << report;
  EXPECT_EQ(Scalar(c, "SELECT data_type FROM information_schema.columns WHERE table_name = 'res_partner' AND "
                      "column_name = 'image_1920'"),
            "text");
  EXPECT_EQ(Scalar(c, "SELECT ttype FROM ir_model_fields WHERE model = 'res.partner' AND name = 'image_1920'"),
            "binary");
}

}  // namespace
}  // namespace citadel::modules::testing
