// The conformance test of the Fs policy: test_fs_policy<Fs>(env) runs the
// same operation sequences on any model and checks the results and errno
// values that Linux gives. posix_fs passing it proves the expectations;
// every other model passing it proves it behaves like the real thing.
//
// The sequences are compiled once (support/fs_conformance.cpp) against
// any_fs, a virtual interface; test_fs_policy<Fs> only wraps Fs in it.
#ifndef PERSIST_TEST_SUPPORT_FS_CONFORMANCE_HPP
#define PERSIST_TEST_SUPPORT_FS_CONFORMANCE_HPP

#include "support/fs_environment.hpp"

#include <persist/fs/fs_policy.hpp>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace persist::test {

/// fs_policy behind virtual calls, one per operation of
/// PERSIST_FS_OPERATIONS. Handles are small numbers, of their own type so
/// that no size or count converts to one.
class any_fs {
public:
    enum class handle : std::size_t {};
    using path = std::filesystem::path;

    virtual ~any_fs() = default;
#define PERSIST_ANY_FS_OPERATION(op, member, value, parameters, arguments) \
    virtual io_result<value> member parameters = 0;
    PERSIST_FS_OPERATIONS(PERSIST_ANY_FS_OPERATION)
#undef PERSIST_ANY_FS_OPERATION
    PERSIST_FS_SHORT_CALLS(PERSIST_FS_DEFINE_SHORT_CALL)
    virtual mode_t umask() = 0;
    /// A copy of the model, for another thread (it shares the filesystem).
    virtual std::unique_ptr<any_fs> clone() const = 0;
};

/// Wraps a copy of an Fs (which shares the original's filesystem).
template <class Fs>
class any_fs_of final : public any_fs {
public:
    explicit any_fs_of(Fs fs) : fs_(std::move(fs)) {}

#define PERSIST_ANY_FS_OF_OPERATION(op, member, value, parameters, arguments)                 \
    io_result<value> member parameters override {                                             \
        return relay<io_result<value>>([this](auto const&... a) { return fs_.member(a...); }) \
            arguments;                                                                        \
    }
    PERSIST_FS_OPERATIONS(PERSIST_ANY_FS_OF_OPERATION)
#undef PERSIST_ANY_FS_OF_OPERATION
    mode_t umask() override { return fs_.umask(); }
    std::unique_ptr<any_fs> clone() const override { return std::make_unique<any_fs_of>(fs_); }

private:
    /// call, as a function of any_fs's arguments that returns Result: with
    /// each handle replaced by the Fs's handle it stands for, and a new Fs
    /// handle numbered.
    template <class Result, class Call>
    auto relay(Call call) {
        return [this, call](auto const&... arguments) -> Result {
            auto done = call(this->inner(arguments)...);
            if constexpr (std::is_same_v<Result, io_result<handle>>) {
                return this->keep(std::move(done));
            } else {
                return done;
            }
        };
    }
    typename Fs::handle inner(handle h) const { return handles_.at(static_cast<std::size_t>(h)); }
    template <class T>
    T const& inner(T const& argument) const {
        return argument;
    }
    io_result<handle> keep(io_result<typename Fs::handle> opened) {
        if (!opened) return opened.error();
        handles_.push_back(*opened);
        return handle{handles_.size() - 1};
    }

    Fs fs_;
    std::vector<typename Fs::handle> handles_;
};

/// Where the conformance sequences run.
struct conformance_target {
    any_fs& fs;
    std::filesystem::path root;  ///< an empty directory the sequences may fill
    std::function<void(std::filesystem::path const& target, std::filesystem::path const& link)>
        make_symlink;
    std::function<void(std::filesystem::path const& p)> make_fifo;
};

/// Runs every sequence, each in a fresh directory under target.root, with
/// Boost.Test assertions. Defined in support/fs_conformance.cpp.
void run_fs_conformance(conformance_target const& target);

/// The conformance test of fs_policy, for any model with an fs_environment.
template <fs_policy Fs>
void test_fs_policy(fs_environment<Fs>& env) {
    any_fs_of<Fs> fs(env.fs);
    run_fs_conformance(
        {fs, env.root(),
         [&](auto const& target, auto const& link) { env.make_symlink(target, link); },
         [&](auto const& p) { env.make_fifo(p); }});
}

}  // namespace persist::test

#endif
