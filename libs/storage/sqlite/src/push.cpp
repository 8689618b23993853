// XEP-0357 push registrations (docs/push.md).

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {

Result<std::vector<PushRegistration>> SqlitePush::list(std::string_view user,
                                                       std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare(
      "SELECT service, node, publish_options FROM push_registrations WHERE account_id = ?1"
      " ORDER BY service, node");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, *id);
  std::vector<PushRegistration> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    out.push_back(PushRegistration{stmt->text(0), stmt->text(1), stmt->text(2)});
  }
  return out;
}

Result<> SqlitePush::put(std::string_view user, std::string_view host,
                         const PushRegistration& registration, std::size_t maxPerUser) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkPushRegistration(registration, limits_); !r) return r;
  auto conn = pool_.acquire();
  // Count and insert under the write lock, so concurrent enables cannot
  // together pass the cap.
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  {
    auto count = conn->prepare(
        "SELECT count(*), coalesce(sum(service = ?2 AND node = ?3), 0)"
        " FROM push_registrations WHERE account_id = ?1");
    if (!count) return errorOf(count);
    auto row = count->bind(1, *id).bind(2, registration.service).bind(3, registration.node).step();
    if (!row) return errorOf(row);
    const bool known = count->int64(1) > 0;
    if (!known && static_cast<std::size_t>(count->int64(0)) >= maxPerUser) {
      return base::fail(errc::kQuota, "at most " + std::to_string(maxPerUser) +
                                          " push registrations are allowed");
    }
  }
  auto put = conn->prepare(
      "INSERT INTO push_registrations (account_id, service, node, publish_options)"
      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id, service, node)"
      " DO UPDATE SET publish_options = excluded.publish_options");
  if (!put) return errorOf(put);
  if (auto r = put->bind(1, *id)
                   .bind(2, registration.service)
                   .bind(3, registration.node)
                   .bind(4, registration.publishOptions)
                   .run();
      !r) {
    return r;
  }
  return tx->commit();
}

Result<std::size_t> SqlitePush::remove(std::string_view user, std::string_view host,
                                       std::string_view service, std::string_view node) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  // An empty node matches every node of the service.
  auto del = conn->prepare(
      "DELETE FROM push_registrations WHERE account_id = ?1 AND service = ?2"
      " AND (?3 = '' OR node = ?3)");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, *id).bind(2, service).bind(3, node).run(); !r) return errorOf(r);
  const auto removed = static_cast<std::size_t>(conn->changes());
  if (auto r = tx->commit(); !r) return errorOf(r);
  return removed;
}

}  // namespace keyfed::storage::sqlite
