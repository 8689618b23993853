#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

struct Usage {
  std::int64_t count = 0;
  std::int64_t bytes = 0;
};

Result<Usage> usage(Connection& conn, std::int64_t id) {
  auto stmt = conn.prepare(
      "SELECT count(*), coalesce(sum(bytes), 0) FROM offline_messages WHERE account_id = ?1");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, id).step();
  if (!row) return errorOf(row);
  return Usage{stmt->int64(0), stmt->int64(1)};
}

}  // namespace

Result<> SqliteOffline::store(std::string_view user, std::string_view host, std::string_view stanza,
                              base::SystemTime stamp) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkOfflineStanza(stanza, limits_); !r) return r;
  auto conn = pool_.acquire();
  // Count and insert under the write lock, so concurrent stores cannot
  // together pass the cap.
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto used = usage(*conn, *id);
  if (!used) return errorOf(used);
  if (static_cast<std::size_t>(used->count) >= limits_.offlinePerUser) {
    return base::fail(errc::kQuota, "offline storage is full (" +
                                        std::to_string(limits_.offlinePerUser) + " messages)");
  }
  if (static_cast<std::size_t>(used->bytes) + stanza.size() > limits_.offlineBytesPerUser) {
    return base::fail(errc::kQuota, "offline storage is full (" +
                                        std::to_string(limits_.offlineBytesPerUser) + " bytes)");
  }
  auto ins = conn->prepare(
      "INSERT INTO offline_messages (account_id, stamp, bytes, stanza) VALUES (?1, ?2, ?3, ?4)");
  if (!ins) return errorOf(ins);
  if (auto r = ins->bind(1, *id)
                   .bind(2, base::unixSeconds(stamp))
                   .bind(3, static_cast<std::int64_t>(stanza.size()))
                   .bind(4, stanza)
                   .run();
      !r) {
    return r;
  }
  return tx->commit();
}

Result<std::vector<OfflineMessage>> SqliteOffline::take(std::string_view user,
                                                        std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  std::vector<OfflineMessage> out;
  {
    auto sel = conn->prepare(
        "SELECT stamp, stanza FROM offline_messages WHERE account_id = ?1 ORDER BY id");
    if (!sel) return errorOf(sel);
    sel->bind(1, *id);
    for (;;) {
      auto row = sel->step();
      if (!row) return errorOf(row);
      if (!*row) break;
      out.push_back(OfflineMessage{sel->text(1), base::fromUnixSeconds(sel->int64(0))});
    }
  }
  if (out.empty()) return out;
  auto del = conn->prepare("DELETE FROM offline_messages WHERE account_id = ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, *id).run(); !r) return errorOf(r);
  if (auto r = tx->commit(); !r) return errorOf(r);
  return out;
}

Result<std::uint64_t> SqliteOffline::count(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto used = usage(*conn, *id);
  if (!used) return errorOf(used);
  return static_cast<std::uint64_t>(used->count);
}

}  // namespace keyfed::storage::sqlite
