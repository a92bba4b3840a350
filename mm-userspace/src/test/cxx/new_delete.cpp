// new_delete.cpp: what g++ asks operator new / new[] for and where the array pointer lands,
// for the fixture CxxHeapTest compares pagelab's model with (Itanium C++ ABI, x86-64).
// Build and run with capture.sh next to this file. One line per expression:
//   <expression> request=<bytes passed to operator new[]/new> offset=<array ptr - raw ptr> count=<cookie or ->
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>

static void *last_raw;
static std::size_t last_request;
static int calls;

void *operator new(std::size_t n) {
    void *p = std::malloc(n ? n : 1);
    if (!p) throw std::bad_alloc();
    last_raw = p; last_request = n; calls++;
    return p;
}
void *operator new[](std::size_t n) {
    void *p = std::malloc(n ? n : 1);
    if (!p) throw std::bad_alloc();
    last_raw = p; last_request = n; calls++;
    return p;
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

struct Trivial { int x; };                                   // trivially destructible, 4 bytes
struct WithCtor { WithCtor() : x(1) {} int x; };             // user constructor, trivial destructor
struct WithDtor { int x; ~WithDtor() { x = 0; } };           // non-trivial destructor, 4 bytes
struct Big { long v[3]; ~Big() { v[0] = 0; } };              // 24 bytes, non-trivial destructor
struct Empty { ~Empty() {} };                                // 1 byte, non-trivial destructor
struct alignas(16) Aligned16 { int x; ~Aligned16() { x = 0; } }; // 16 bytes, alignof 16
struct SizedDelete {                                         // trivial destructor, but a sized
    int x;                                                   // class operator delete[]: cookie
    static void *operator new[](std::size_t n) { return ::operator new[](n); }
    static void operator delete[](void *p, std::size_t) { ::operator delete[](p); }
};

template <typename T>
static void array(const char *name, std::size_t n) {
    T *p = new T[n];
    long offset = (char *)p - (char *)last_raw;
    if (offset > 0)
        std::printf("new %s[%zu] request=%zu offset=%ld count=%zu\n", name, n, last_request, offset,
                    *(std::size_t *)((char *)p - sizeof(std::size_t)));
    else
        std::printf("new %s[%zu] request=%zu offset=%ld count=-\n", name, n, last_request, offset);
    delete[] p;
}

template <typename T>
static void single(const char *name) {
    T *p = new T;
    std::printf("new %s request=%zu offset=%ld count=-\n", name, last_request, (long)((char *)p - (char *)last_raw));
    delete p;
}

int main() {
    std::printf("# sizeof/alignof: Trivial %zu/%zu WithDtor %zu/%zu Big %zu/%zu Empty %zu/%zu Aligned16 %zu/%zu\n",
                sizeof(Trivial), alignof(Trivial), sizeof(WithDtor), alignof(WithDtor), sizeof(Big), alignof(Big),
                sizeof(Empty), alignof(Empty), sizeof(Aligned16), alignof(Aligned16));
    single<WithDtor>("WithDtor");
    single<Big>("Big");
    array<int>("int", 10);
    array<Trivial>("Trivial", 10);
    array<WithCtor>("WithCtor", 10);
    array<WithDtor>("WithDtor", 10);
    array<WithDtor>("WithDtor", 0);
    array<Big>("Big", 3);
    array<Empty>("Empty", 5);
    array<Aligned16>("Aligned16", 3);
    array<SizedDelete>("SizedDelete", 4);
    // placement new: no call to operator new at all
    alignas(WithDtor) unsigned char buf[sizeof(WithDtor)];
    int before = calls;
    WithDtor *q = new (buf) WithDtor;
    std::printf("placement new WithDtor calls=%d offset=%ld\n", calls - before, (long)((unsigned char *)q - buf));
    q->~WithDtor();
    return 0;
}
