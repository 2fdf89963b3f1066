#include "app/graph_lines.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "http/json.h"

namespace fg {
namespace {

constexpr std::array<std::pair<std::string_view, AddPolicy>, 3> kPolicies{{
    {"allow_any", AddPolicy::kAllowAny},
    {"need_confirm", AddPolicy::kNeedConfirm},
    {"deny_any", AddPolicy::kDenyAny},
}};
// Accounts are names, not text: longer ones are refused (no vendor allows more than 128).
constexpr size_t kMaxAccountBytes = 128;
constexpr std::string_view kArgon2Prefix = "$argon2id$";

Status Bad(std::string message) { return {Code::kInvalidArgument, std::move(message)}; }

std::string Quoted(std::string_view key) { return "\"" + std::string(key) + "\""; }

// A line's values at most (DecodeGraphLine's parse limit), so at most that many keys.
constexpr size_t kMaxLineValues = 64;

// Reads the members of one record's object, each key at most once (the parser refuses
// duplicates); `Finish` names the first key nothing asked for. A record asks for every key it
// knows, most of them absent: the keys are read out of the document once, and each ask scans
// them in place.
class Fields {
 public:
  explicit Fields(http::JsonValue object)
      : object_(object), size_(std::min(object.size(), kMaxLineValues)) {
    for (size_t i = 0; i < size_; ++i) keys_[i] = object.member(i).key;
  }

  Status String(std::string_view key, std::optional<std::string>& out) {
    auto v = Take(key);
    if (!v) return Status::Ok();
    auto s = v->AsString();
    if (!s) return Bad(Quoted(key) + " must be a string");
    out = std::string(*s);
    return Status::Ok();
  }
  Status String(std::string_view key, std::string& out) {
    std::optional<std::string> value;
    if (Status s = String(key, value); !s.ok()) return s;
    if (value) out = std::move(*value);
    return Status::Ok();
  }
  Status Account(std::string_view key, std::string& out) {
    std::optional<std::string> value;
    if (Status s = String(key, value); !s.ok()) return s;
    if (!value || value->empty()) return Bad(Quoted(key) + " is missing");
    if (value->size() > kMaxAccountBytes) {
      return Bad(Quoted(key) + " is longer than " + std::to_string(kMaxAccountBytes) + " bytes");
    }
    out = std::move(*value);
    return Status::Ok();
  }
  Status Bool(std::string_view key, std::optional<bool>& out) {
    auto v = Take(key);
    if (!v) return Status::Ok();
    out = v->AsBool();
    if (!out) return Bad(Quoted(key) + " must be true or false");
    return Status::Ok();
  }
  Status Gender(std::optional<int>& out) {
    auto v = Take("gender");
    if (!v) return Status::Ok();
    auto n = v->AsInt();
    if (!n || *n < 0 || *n > 2) return Bad("\"gender\" must be 0, 1 or 2");
    out = static_cast<int>(*n);
    return Status::Ok();
  }
  Status Policy(AddPolicy& out) {
    auto v = Take("add_policy");
    if (!v) return Status::Ok();
    auto s = v->AsString();
    for (const auto& [name, policy] : kPolicies) {
      if (s && *s == name) {
        out = policy;
        return Status::Ok();
      }
    }
    return Bad("\"add_policy\" must be one of allow_any, need_confirm, deny_any");
  }
  Status Finish() const {
    for (size_t i = 0; i < object_.size(); ++i) {
      if (i >= size_ || !(used_ >> i & 1)) {
        return Bad("unknown key " + Quoted(object_.member(i).key));
      }
    }
    return Status::Ok();
  }

 private:
  // The value of member `key`, marked used (valid until the next call); null if there is none.
  // Not an optional returned by value: most keys are absent, and a pointer costs nothing then.
  const http::JsonValue* Take(std::string_view key) {
    for (size_t i = 0; i < size_; ++i) {
      if (keys_[i] == key) {
        used_ |= uint64_t{1} << i;
        return &taken_.emplace(object_.member(i).value);
      }
    }
    return nullptr;
  }

  http::JsonValue object_;
  size_t size_;
  std::array<std::string_view, kMaxLineValues> keys_;
  uint64_t used_ = 0;  // bit i: member i was asked for
  std::optional<http::JsonValue> taken_;
};

// Runs each step until one fails.
template <typename... Steps>
Status All(Steps&&... steps) {
  Status s;
  ((s.ok() ? (void)(s = steps()) : (void)0), ...);
  return s;
}

Result<ImportRecord> DecodeUser(Fields& f) {
  ImportUser u;
  NewUser& n = u.user;
  Profile& p = n.profile;
  std::optional<std::string> st_account;
  Status s = All(
      [&] { return f.Account("account", n.account); }, [&] { return f.String("name", p.name); },
      [&] { return f.String("icon", p.icon); }, [&] { return f.String("sign", p.sign); },
      [&] { return f.String("email", p.email); }, [&] { return f.String("birth", p.birth); },
      [&] { return f.String("mobile", p.mobile); }, [&] { return f.String("region", p.region); },
      [&] { return f.Gender(p.gender); }, [&] { return f.String("ex", p.ex); },
      [&] { return f.String("token", n.token); }, [&] { return f.Policy(n.add_policy); },
      [&] { return f.String("password_hash", n.password_hash); },
      [&] { return f.Bool("disabled", u.later.disabled); },
      [&] { return f.String("st_account", st_account); },
      [&] { return f.Bool("found_by_phone", u.later.found_by_phone); },
      [&] { return f.Bool("found_by_st_account", u.later.found_by_st_account); });
  if (!s.ok()) return s;
  if (!n.password_hash.empty() && n.password_hash.rfind(kArgon2Prefix, 0) != 0) {
    return Bad("\"password_hash\" must be an argon2id hash ($argon2id$…)");
  }
  if (st_account && !st_account->empty()) u.later.st_account = std::move(st_account);
  return ImportRecord(std::make_shared<const ImportUser>(std::move(u)));
}

Result<ImportRecord> DecodeEdge(Fields& f) {
  ImportEdge e;
  EdgeFields x;
  Status s =
      All([&] { return f.Account("owner", e.owner); }, [&] { return f.Account("peer", e.peer); },
          [&] { return f.String("alias", x.alias); }, [&] { return f.String("ex", x.ex); },
          [&] { return f.String("serverex", x.serverex); },
          [&] { return f.String("description", x.description); },
          [&] { return f.String("phone", x.phone); }, [&] { return f.String("region", x.region); },
          [&] { return f.String("image_uri", x.image_uri); },
          [&] { return f.String("source", e.source); });
  if (!s.ok()) return s;
  if (x.alias || x.ex || x.serverex || x.description || x.phone || x.region || x.image_uri) {
    e.fields = std::make_shared<const EdgeFields>(std::move(x));
  }
  return ImportRecord(std::move(e));
}

Result<ImportRecord> DecodeRelation(Fields& f, Relation kind) {
  ImportRelation r;
  r.kind = kind;
  Status s =
      All([&] { return f.Account("owner", r.owner); }, [&] { return f.Account("peer", r.peer); });
  if (!s.ok()) return s;
  return ImportRecord(std::move(r));
}

void Put(http::JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
  if (value) w.Key(key).String(*value);
}

}  // namespace

Result<ImportRecord> DecodeGraphLine(std::string_view line) {
  // A record is one flat object: nothing nests.
  auto doc = http::ParseJson(line, {.max_depth = 1, .max_values = kMaxLineValues});
  if (!doc.ok()) return doc.status();
  http::JsonValue root = doc.value().root();
  if (root.type() != http::JsonType::kObject) return Bad("a line must hold one JSON object");
  Fields f(root);
  std::optional<std::string> type;
  if (Status s = f.String("type", type); !s.ok()) return s;
  // Most lines are edges: asked first, and no error message is made for a line without one.
  Result<ImportRecord> record = type == "friend"  ? DecodeEdge(f)
                                : type == "user"  ? DecodeUser(f)
                                : type == "block" ? DecodeRelation(f, Relation::kBlock)
                                : type == "mute"
                                    ? DecodeRelation(f, Relation::kMute)
                                    : Bad("\"type\" must be one of user, friend, block, mute");
  if (!record.ok()) return record;
  if (Status s = f.Finish(); !s.ok()) return s;
  return record;
}

std::string EncodeUserLine(const User& u) {
  http::JsonWriter w(256);
  w.StartObject().Key("type").String("user").Key("account").String(u.account);
  const Profile& p = u.profile;
  Put(w, "name", p.name);
  Put(w, "icon", p.icon);
  Put(w, "sign", p.sign);
  Put(w, "email", p.email);
  Put(w, "birth", p.birth);
  Put(w, "mobile", p.mobile);
  Put(w, "region", p.region);
  if (p.gender) w.Key("gender").Int(*p.gender);
  Put(w, "ex", p.ex);
  if (!u.token.empty()) w.Key("token").String(u.token);
  for (const auto& [name, policy] : kPolicies) {
    if (policy == u.add_policy) w.Key("add_policy").String(name);
  }
  if (!u.password_hash.empty()) w.Key("password_hash").String(u.password_hash);
  if (u.disabled) w.Key("disabled").Bool(true);
  if (!u.st_account.empty()) w.Key("st_account").String(u.st_account);
  if (!u.found_by_phone) w.Key("found_by_phone").Bool(false);
  if (!u.found_by_st_account) w.Key("found_by_st_account").Bool(false);
  w.EndObject();
  return w.Take() + "\n";
}

std::string EncodeEdgeLine(std::string_view owner, std::string_view peer, const FriendEdge& edge) {
  http::JsonWriter w(128);
  w.StartObject().Key("type").String("friend").Key("owner").String(owner).Key("peer").String(peer);
  const EdgeFields& x = edge.fields;
  Put(w, "alias", x.alias);
  Put(w, "ex", x.ex);
  Put(w, "serverex", x.serverex);
  Put(w, "description", x.description);
  Put(w, "phone", x.phone);
  Put(w, "region", x.region);
  Put(w, "image_uri", x.image_uri);
  if (!edge.source.empty()) w.Key("source").String(edge.source);
  w.EndObject();
  return w.Take() + "\n";
}

std::string EncodeRelationLine(std::string_view owner, std::string_view peer, Relation kind) {
  http::JsonWriter w(64);
  w.StartObject()
      .Key("type")
      .String(kind == Relation::kBlock ? "block" : "mute")
      .Key("owner")
      .String(owner)
      .Key("peer")
      .String(peer)
      .EndObject();
  return w.Take() + "\n";
}

}  // namespace fg
