// Binary fields against a real PostgreSQL and a real file store: contents
// round-trip as base64 (zeros, 1 MiB), the column holds only the reference
// and the file the content, bin_size, clearing, search for set / not set,
// copy sharing the reference, refusals (bad base64, too large, no file
// store, order and group by), a missing file read as empty, and garbage
// collection from the references of every binary column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <typeinfo>

#include "core/fake_file_system.hpp"
#include "orm/binary_field.hpp"
#include "orm/errors.hpp"
#include "orm/file_store.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_pgtest_support.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using schema_testing::F;
using namespace std::chrono_literals;

using testing::J;
using testing::kAdmin;

std::shared_ptr<const Registry> BinaryRegistry() {
  static const std::shared_ptr<const Registry> registry = [] {
    ModelDef users;
    users.name = "res.users";
    users.description = "User";
    users.fields = {F("login", FieldType::kChar)};
    users.rec_name = "login";
    ModelDef doc;
    doc.name = "test.binary.doc";
    doc.description = "Document";
    doc.fields = {F("name", FieldType::kChar), F("datas", FieldType::kBinary),
                  F("image", FieldType::kBinary)};
    RegistryBuilder builder;
    builder.AddModel("base", std::move(users));
    builder.AddModel("base", std::move(doc));
    auto built = builder.Build();
    if (!built) throw std::runtime_error(built.error().message);
    return *built;
  }();
  return registry;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "binary-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

db::Connection Database(const std::string& name) {
  db::Connection connection = schema_testing::FreshDatabase(name);
  auto sync = SchemaSync::Create(BinaryRegistry());
  if (!sync) throw std::runtime_error(sync.error().message);
  schema_testing::SyncOrFail(*sync, connection);
  auto admin = connection.Execute("INSERT INTO res_users (login) VALUES ('admin')");
  if (!admin) throw std::runtime_error(admin.error().message);
  return connection;
}

std::string Bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

std::string Column(db::Connection& connection, std::int64_t id, const char* column = "datas") {
  auto r = connection.Execute("SELECT datas, image FROM test_binary_doc WHERE id = $1", id);
  if (!r || r->rows() != 1) throw std::runtime_error("no row");
  return r->Text(0, column, "NULL");
}

std::string FileContent(const std::string& root, const std::string& reference) {
  const std::string hex = FileReference::Parse(reference)->sha256;
  std::ifstream file(root + "/" + hex.substr(0, 2) + "/" + hex, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

std::size_t FilesUnder(const std::string& root) {
  std::size_t count = 0;
  if (!std::filesystem::exists(root)) return 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    count += entry.is_regular_file() ? 1 : 0;
  }
  return count;
}

// The message of the UserError `call` throws, and whether it is exactly a
// UserError (not one of its subclasses).
template <class Call>
std::pair<std::string, bool> UserErrorOf(Call call) {
  try {
    call();
  } catch (const UserError& error) {
    return {error.what(), typeid(error) == typeid(UserError)};
  }
  return {"no error", false};
}

TEST(BinaryFieldPg, ContentRoundTripsAndOnlyTheReferenceIsInTheTable) {
  db::Connection connection = Database("binary_round_trip");
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");

  std::string every_byte;
  for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
  every_byte += std::string(100, '\0');
  const std::string mebibyte = Bytes(1 << 20, 7);
  Value vals = Value::array();
  vals.push_back({{"name", "zeros"}, {"datas", EncodeBinaryBase64(every_byte)}});
  vals.push_back({{"name", "big"}, {"datas", EncodeBinaryBase64(mebibyte)}});
  const auto ids = docs.Create(vals);
  const Value rows = docs.Browse(ids).Read({"datas", "image"});
  EXPECT_EQ(DecodeBinaryBase64(rows[0]["datas"].get<std::string>()), every_byte);
  EXPECT_EQ(rows[0]["datas"], EncodeBinaryBase64(every_byte));
  EXPECT_EQ(DecodeBinaryBase64(rows[1]["datas"].get<std::string>()), mebibyte);
  EXPECT_EQ(rows[0]["image"], false) << "an unset binary reads false";

  const std::string column = Column(connection, ids[1]);
  EXPECT_EQ(column, "sha256:" + Sha256Hex(mebibyte) + ":1048576")
      << "the column holds the reference";
  EXPECT_EQ(FileContent(dir.path(), column), mebibyte) << "the file holds the content";
  EXPECT_EQ(FileContent(dir.path(), Column(connection, ids[0])), every_byte);

  // Line-wrapped base64 (Python's encodebytes, XML-RPC's Binary) is taken.
  std::string wrapped =
      EncodeBinaryBase64("wrapped value, long enough to need a second line of base64");
  wrapped.insert(76 - 16, "\n");
  const std::int64_t id = docs.Create(Value{{"name", "w"}, {"datas", wrapped + "\n"}}).at(0);
  EXPECT_EQ(DecodeBinaryBase64(docs.Browse({id}).Read({"datas"})[0]["datas"].get<std::string>()),
            "wrapped value, long enough to need a second line of base64");
  EXPECT_EQ(docs.Browse({id}).Read({})[0]["datas"], docs.Browse({id}).Read({"datas"})[0]["datas"])
      << "reading every field reads binaries too, as Odoo's read()";
}

TEST(BinaryFieldPg, BinSizeGivesOdoosHumanSize) {
  db::Connection connection = Database("binary_bin_size");
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  const auto ids =
      RecordSet::Of(env, "test.binary.doc")
          .Create(Value::array({Value{{"datas", EncodeBinaryBase64(std::string(12800, 'x'))}},
                                Value{{"datas", false}}}));
  const Environment sizes = env.WithContext(J(R"({"bin_size": true})"));
  const Value rows = RecordSet(sizes, env.GetModel("test.binary.doc"), ids).Read({"datas"});
  EXPECT_EQ(rows[0]["datas"], "12.50 Kb");
  EXPECT_EQ(rows[1]["datas"], false);
  const Value searched =
      RecordSet::Of(sizes, "test.binary.doc")
          .SearchRead(J(R"([["datas", "!=", false]])"), {"datas"}, 0, std::nullopt, "");
  ASSERT_EQ(searched.size(), 1u);
  EXPECT_EQ(searched[0]["datas"], "12.50 Kb");
  const Environment not_sizes = env.WithContext(J(R"({"bin_size": false})"));
  EXPECT_EQ(
      RecordSet(not_sizes, env.GetModel("test.binary.doc"), {ids[0]}).Read({"datas"})[0]["datas"],
      EncodeBinaryBase64(std::string(12800, 'x')));
}

TEST(BinaryFieldPg, FalseClearsAndOldFilesStayForTheCollector) {
  db::Connection connection = Database("binary_clear");
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");
  const std::int64_t id = docs.Create(Value{{"datas", EncodeBinaryBase64("first")}}).at(0);
  const std::string first = Column(connection, id);
  docs.Browse({id}).Write(Value{{"datas", EncodeBinaryBase64("second")}});
  EXPECT_EQ(docs.Browse({id}).Read({"datas"})[0]["datas"], EncodeBinaryBase64("second"));
  docs.Browse({id}).Write(J(R"({"datas": false})"));
  EXPECT_EQ(docs.Browse({id}).Read({"datas"})[0]["datas"], false);
  EXPECT_EQ(Column(connection, id), "NULL");
  docs.Browse({id}).Write(Value{{"datas", EncodeBinaryBase64("third")}});
  docs.Browse({id}).Write(J(R"({"datas": ""})"));
  EXPECT_EQ(Column(connection, id), "NULL") << "an empty string clears too";
  docs.Browse({id}).Unlink();
  EXPECT_EQ(FilesUnder(dir.path()), 3u) << "overwrite, clear and unlink leave the files";
  EXPECT_EQ(FileContent(dir.path(), first), "first");
}

TEST(BinaryFieldPg, SearchOnlyForSetOrNotSet) {
  db::Connection connection = Database("binary_search");
  core::FakeFileSystem fs;
  FileStore store("/filestore", fs);
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");
  const auto ids = docs.Create(Value::array(
      {Value{{"name", "set"}, {"datas", EncodeBinaryBase64("x")}}, Value{{"name", "unset"}}}));
  EXPECT_EQ(docs.Search(J(R"([["datas", "=", false]])")), std::vector<std::int64_t>{ids[1]});
  EXPECT_EQ(docs.Search(J(R"([["datas", "!=", false]])")), std::vector<std::int64_t>{ids[0]});
  EXPECT_EQ(docs.Search(J(R"([["datas", "=", null]])")), std::vector<std::int64_t>{ids[1]});
  EXPECT_EQ(docs.Search(J(R"([["datas", "!=", ""]])")), std::vector<std::int64_t>{ids[0]});
  EXPECT_EQ(docs.Search(J(R"(["!", ["datas", "=", false]])")), std::vector<std::int64_t>{ids[0]});
  EXPECT_EQ(docs.SearchCount(J(R"([["datas", "=", false], ["image", "=", false]])")), 1);
  for (const char* refused : {R"([["datas", "=", "eA=="]])", R"([["datas", "like", "x"]])",
                              R"([["datas", "in", [false]]])", R"([["datas", "!=", true]])",
                              R"([["datas", "=?", false]])", R"([["datas", "ilike", false]])"}) {
    try {
      docs.Search(J(refused));
      ADD_FAILURE() << refused << " was accepted";
    } catch (const ValidationError& error) {
      EXPECT_NE(std::string(error.what()).find("binary field test.binary.doc.datas"),
                std::string::npos)
          << error.what();
    }
  }
  EXPECT_THROW(docs.Search(Value::array(), 0, std::nullopt, "datas"), ValidationError)
      << "not sortable, as Odoo";
  EXPECT_THROW(docs.ReadGroup(Value::array(), {"datas"}, {"datas"}, 0, std::nullopt, "", true),
               ValidationError)
      << "not groupable";
  EXPECT_THROW(
      docs.ReadGroup(Value::array(), {"datas:array_agg"}, {"name"}, 0, std::nullopt, "", true),
      ValidationError)
      << "no aggregate shows a reference";
  const Value described = docs.FieldsGet(
      {"datas"}, {"type", "attachment", "sortable", "groupable", "searchable", "store"});
  EXPECT_EQ(described["datas"], J(R"({"attachment": true, "groupable": false, "searchable": true,
      "sortable": false, "store": true, "type": "binary"})"))
      << "as Odoo's fields_get of an attachment binary";
}

TEST(BinaryFieldPg, CopySharesTheReference) {
  db::Connection connection = Database("binary_copy");
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");
  const std::string content = Bytes(300000, 3);
  const std::int64_t id =
      docs.Create(Value{{"name", "original"}, {"datas", EncodeBinaryBase64(content)}}).at(0);
  const std::size_t files = FilesUnder(dir.path());
  const std::int64_t copy = docs.Browse({id}).Copy(Value(false)).at(0);
  EXPECT_EQ(Column(connection, copy), Column(connection, id));
  EXPECT_EQ(Column(connection, copy, "image"), "NULL");
  EXPECT_EQ(FilesUnder(dir.path()), files) << "no data copied";
  EXPECT_EQ(DecodeBinaryBase64(docs.Browse({copy}).Read({"datas"})[0]["datas"].get<std::string>()),
            content);
  // The copy's own value can change without touching the original's.
  docs.Browse({copy}).Write(Value{{"datas", EncodeBinaryBase64("changed")}});
  EXPECT_EQ(DecodeBinaryBase64(docs.Browse({id}).Read({"datas"})[0]["datas"].get<std::string>()),
            content);
  const std::int64_t overridden =
      docs.Browse({id}).Copy(Value{{"datas", EncodeBinaryBase64("given")}}).at(0);
  EXPECT_EQ(docs.Browse({overridden}).Read({"datas"})[0]["datas"], EncodeBinaryBase64("given"));
}

TEST(BinaryFieldPg, BadOrOversizedValuesAreRefusedNamingTheField) {
  db::Connection connection = Database("binary_refused");
  core::FakeFileSystem fs;
  FileStore store("/filestore", fs, FileStoreOptions{.max_bytes = 1024});
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");
  const std::int64_t id =
      docs.Create(Value{{"datas", EncodeBinaryBase64(std::string(1024, 'a'))}}).at(0);
  for (const Value& bad : {Value("not base64!"), Value("QQ"), Value("12.50 Kb"), Value(12),
                           Value(true), Value::array({1}), J(R"({"sha256": "x"})")}) {
    try {
      docs.Create(Value{{"datas", bad}});
      ADD_FAILURE() << bad.dump() << " was accepted";
    } catch (const ValidationError& error) {
      EXPECT_NE(std::string(error.what()).find("test.binary.doc.datas"), std::string::npos)
          << error.what();
    }
    EXPECT_THROW(docs.Browse({id}).Write(Value{{"datas", bad}}), ValidationError) << bad.dump();
  }
  // A client cannot name a file by sending a reference as text: it is not base64.
  EXPECT_THROW(docs.Create(Value{{"datas", Column(connection, id)}}), ValidationError);
  try {
    docs.Create(Value{{"datas", EncodeBinaryBase64(std::string(1025, 'a'))}});
    ADD_FAILURE() << "too large accepted";
  } catch (const ValidationError& error) {
    EXPECT_EQ(
        std::string(error.what()),
        "The value of test.binary.doc.datas is too large (1.00 Kb); the file store takes at most "
        "1.00 Kb.");
  }
  EXPECT_EQ(docs.SearchCount(Value::array()), 1) << "nothing created by the refused calls";
  EXPECT_EQ(Column(connection, id), "sha256:" + Sha256Hex(std::string(1024, 'a')) + ":1024");
}

TEST(BinaryFieldPg, WithoutAFileStoreContentsAreAUserError) {
  db::Connection connection = Database("binary_no_store");
  core::FakeFileSystem fs;
  FileStore store("/filestore", fs);
  const Environment with =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  const Environment without = Environment(BinaryRegistry(), connection, kAdmin).Sudo();
  EXPECT_EQ(without.file_store(), nullptr);
  const std::int64_t id = RecordSet::Of(with, "test.binary.doc")
                              .Create(Value{{"datas", EncodeBinaryBase64("x")}})
                              .at(0);
  RecordSet docs = RecordSet::Of(without, "test.binary.doc");
  auto [write_message, write_exact] = UserErrorOf([&] {
    docs.Create(Value{{"datas", EncodeBinaryBase64("y")}});
  });
  EXPECT_EQ(write_message,
            "The tenant has no file store: the value of test.binary.doc.datas cannot be stored.");
  EXPECT_TRUE(write_exact);
  auto [read_message, read_exact] = UserErrorOf([&] { docs.Browse({id}).Read({"datas"}); });
  EXPECT_EQ(read_message,
            "The tenant has no file store: the value of test.binary.doc.datas cannot be read.");
  EXPECT_TRUE(read_exact);
  // No content involved: empty values and sizes need no store.
  const std::int64_t empty = docs.Create(J(R"({"name": "empty", "datas": false})")).at(0);
  EXPECT_EQ(docs.Browse({empty}).Read({"datas"})[0]["datas"], false);
  const Environment sizes = without.WithContext(J(R"({"bin_size": 1})"));
  EXPECT_EQ(RecordSet(sizes, without.GetModel("test.binary.doc"), {id}).Read({"datas"})[0]["datas"],
            "1.00 bytes");
}

TEST(BinaryFieldPg, AMissingFileReadsAsEmpty) {
  db::Connection connection = Database("binary_missing");
  core::FakeFileSystem fs;
  FileStore store("/filestore", fs);
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");
  const std::int64_t id = docs.Create(Value{{"datas", EncodeBinaryBase64("gone")}}).at(0);
  const std::string hex = Sha256Hex("gone");
  ASSERT_TRUE(fs.RemoveFile("/filestore/" + hex.substr(0, 2) + "/" + hex));
  EXPECT_EQ(docs.Browse({id}).Read({"datas"})[0]["datas"], false)
      << "as Odoo's _file_read: logged, empty";
}

TEST(BinaryFieldPg, GarbageCollectionKeepsEveryReferencedFile) {
  db::Connection connection = Database("binary_gc");
  core::FakeClock clock;
  core::FakeFileSystem fs;
  fs.clock = &clock;
  FileStore store("/filestore", fs, {}, clock);
  const Environment env =
      Environment(BinaryRegistry(), connection, kAdmin).Sudo().WithFileStore(store);
  RecordSet docs = RecordSet::Of(env, "test.binary.doc");
  const auto ids = docs.Create(Value::array(
      {Value{{"datas", EncodeBinaryBase64("kept")}, {"image", EncodeBinaryBase64("image")}},
       Value{{"datas", EncodeBinaryBase64("unlinked")}},
       Value{{"datas", EncodeBinaryBase64("overwritten")}}}));
  docs.Browse({ids[1]}).Unlink();
  docs.Browse({ids[2]}).Write(Value{{"datas", EncodeBinaryBase64("new")}});
  const std::int64_t copy = docs.Browse({ids[0]}).Copy(Value(false)).at(0);
  EXPECT_EQ(CollectBinaryReferences(env),
            (std::set<std::string>{Column(connection, ids[0]), Column(connection, ids[0], "image"),
                                   Column(connection, ids[2])}));
  auto early = CollectFileStoreGarbage(env, store);
  ASSERT_TRUE(early) << early.error().message;
  EXPECT_EQ(early->removed, 0u)
      << "written less than an hour ago: its transaction may still be open";
  clock.Advance(2h);
  auto report = CollectFileStoreGarbage(env, store);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->kept, 3u);
  EXPECT_EQ(report->removed, 2u) << "the unlinked record's and the overwritten value";
  EXPECT_EQ(docs.Browse({ids[0], copy, ids[2]}).Read({"datas"}),
            (Value::array({Value{{"id", ids[0]}, {"datas", EncodeBinaryBase64("kept")}},
                           Value{{"id", copy}, {"datas", EncodeBinaryBase64("kept")}},
                           Value{{"id", ids[2]}, {"datas", EncodeBinaryBase64("new")}}})));
}

}  // namespace
}  // namespace citadel::orm
