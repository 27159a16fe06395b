// fs_decorator: the base of Fs models that wrap another Fs model.
#ifndef PERSIST_FS_FS_DECORATOR_HPP
#define PERSIST_FS_FS_DECORATOR_HPP

#include <persist/fs/fs_policy.hpp>

#include <optional>
#include <utility>

namespace persist {

/// Forwards every operation of fs_policy to an Inner model, after asking
/// Derived::intercept(op) whether to fail it instead. A decorator such as
/// counting_fs or fault_fs derives from it (CRTP) and writes only what it
/// changes: an intercept(op) to count or fail calls, and the operations it
/// alters further, which hide the forwarding ones by name.
///
/// Derived may provide
///     std::optional<std::error_code> intercept(fs_op op);
/// returning an error to fail the call without forwarding it (close is
/// still forwarded, see below). Without one, every call is forwarded.
///
/// The forwarding members are generated from PERSIST_FS_OPERATIONS (and the
/// short calls from PERSIST_FS_SHORT_CALLS), so a new operation reaches
/// every decorator without an edit.
///
/// Thread safety: as Inner's and Derived::intercept's.
template <class Derived, fs_policy Inner>
class fs_decorator {
public:
    using handle = typename Inner::handle;
    using path = std::filesystem::path;

    explicit fs_decorator(Inner inner = Inner{}) : inner_(std::move(inner)) {}

    Inner& inner() noexcept { return inner_; }

#define PERSIST_FS_DECORATOR_FORWARD(op, member, value, parameters, arguments) \
    io_result<value> member parameters {                                       \
        return call(fs_op::op, [&] { return inner_.member arguments; });       \
    }
    PERSIST_FS_OPERATIONS(PERSIST_FS_DECORATOR_FORWARD)
#undef PERSIST_FS_DECORATOR_FORWARD

    // The short calls go through Derived, so that they reach an operation
    // it alters; such a Derived adds `using fs_decorator::member;` to keep
    // the short call visible beside its own.
#define PERSIST_FS_DECORATOR_SHORT_CALL(op, member, value, parameters, arguments, omitted) \
    io_result<value> member parameters {                                                   \
        return derived().member PERSIST_FS_WHOLE_ARGUMENTS(arguments, omitted);            \
    }
    PERSIST_FS_SHORT_CALLS(PERSIST_FS_DECORATOR_SHORT_CALL)
#undef PERSIST_FS_DECORATOR_SHORT_CALL

    mode_t umask() { return inner_.umask(); }

protected:
    /// Runs forward() unless Derived::intercept(op) fails the call. A failed
    /// close still releases the handle (fs_policy 2), so close is forwarded
    /// even when it is failed, and an injected fault leaks nothing.
    template <class F>
    auto call(fs_op op, F&& forward) -> decltype(forward()) {
        if (auto injected = derived().intercept(op)) {
            if (op == fs_op::close) (void)forward();
            return *injected;
        }
        return forward();
    }

    /// The default: fail nothing.
    std::optional<std::error_code> intercept(fs_op) { return std::nullopt; }

    Inner inner_;

private:
    Derived& derived() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace persist

#endif
