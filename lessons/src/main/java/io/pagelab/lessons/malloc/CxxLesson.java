package io.pagelab.lessons.malloc;

import static io.pagelab.lessons.malloc.MallocMachine.hex;

import io.pagelab.api.AddressSpace;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.userspace.cxx.CxxCall;
import io.pagelab.userspace.cxx.CxxHeap;
import io.pagelab.userspace.cxx.CxxType;
import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloc.Ptmalloc;
import java.util.ArrayList;
import java.util.List;

/**
 * Lesson "cxx": C++ new and delete over glibc's malloc, in a simulated process. operator new is
 * malloc (libsupc++ new_op.cc), a new-expression is operator new + constructor; new T[n] for a
 * type with a destructor stores n in an 8-byte array cookie in front of the elements (Itanium C++
 * ABI §2.7, "Array Operator new Cookies"); placement new allocates nothing; and what delete and
 * delete[] do when they are swapped, down to glibc's abort message.
 *
 * <p>Interview question: q54 (how user memory is managed: C++ sits on the same malloc).
 *
 * <p>Differs from g++ on purpose: constructors and destructors are logged, not run
 * ({@link CxxHeap}); an abort is shown and the lesson goes on in a fresh process.
 */
public final class CxxLesson implements Lesson {

    /** struct Point { double x, y; }: 16 bytes, trivially destructible. */
    private static final CxxType POINT = CxxType.trivial("Point", 16, 8);
    /** struct Widget { int id; ~Widget(); }: 4 bytes, a user-provided destructor. */
    private static final CxxType WIDGET = CxxType.withDestructor("Widget", 4, 4);

    @Override
    public String id() {
        return "cxx";
    }

    @Override
    public String titleZh() {
        return "C++ 的 new 与 delete";
    }

    @Override
    public String titleEn() {
        return "new and delete in C++";
    }

    @Override
    public List<String> questions() {
        return List.of("q54");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        newIsMalloc(ctx);
        cookie(ctx);
        placement(ctx);
        mismatch(ctx);
        summary(ctx);
    }

    /** The C++ runtime of {@code pm}'s process, allocating with that process's malloc. */
    private static CxxHeap cxx(MallocMachine pm) {
        return new CxxHeap(pm.mm, new ProcessMalloc(pm.malloc));
    }

    /** The process's own glibc malloc behind the malloc-lab interface CxxHeap calls. */
    private static final class ProcessMalloc implements HeapAllocator {
        private final Ptmalloc malloc;

        ProcessMalloc(Ptmalloc malloc) {
            this.malloc = malloc;
        }

        @Override
        public String name() {
            return "ptmalloc";
        }

        @Override
        public void init(AddressSpace process) {
            // already running in its process
        }

        @Override
        public long malloc(long size) {
            return malloc.malloc(size);
        }

        @Override
        public void free(long ptr) {
            malloc.free(ptr);
        }

        @Override
        public long realloc(long ptr, long size) {
            return malloc.realloc(ptr, size);
        }
    }

    private static List<String> log(CxxHeap heap, int from) {
        List<String> out = new ArrayList<>();
        List<CxxCall> calls = heap.calls();
        for (int i = from; i < calls.size(); i++) {
            out.add(calls.get(i).toString());
        }
        return out;
    }

    private void newIsMalloc(LessonContext ctx) {
        ctx.step("operator new is malloc", "operator new 就是 malloc");
        MallocMachine pm = MallocMachine.start();
        CxxHeap heap = cxx(pm);
        long p = heap.newObject(POINT);
        ctx.say("Point *p = new Point;   (struct Point { double x, y; }: sizeof 16)",
                "The compiler turns the new-expression into two steps: call operator new(16),",
                "then run the constructor at the address it returned. libstdc++'s operator new",
                "is a loop around malloc: on failure it calls the new-handler, if one is set,",
                "or throws std::bad_alloc.");
        ctx.diagram("what ran / 实际发生的调用", log(heap, 0));
        ctx.say("The same address as malloc(16) in a fresh process: start_brk + 0x2a0, a 0x20",
                "chunk. C++ objects live in malloc chunks like any other block:");
        ctx.diagram("x/2gx p - 0x10", pm.heap().dump(p - 16, 2));
        int mark = heap.calls().size();
        heap.deleteObject(POINT, p);
        long q = heap.operatorNew(0);
        ctx.say("delete p; is the destructor (none for Point) then operator delete(p), which is",
                "free(p): the chunk goes to tcache[0x20] as always. And operator new(0) asks",
                "malloc(1), because every object needs a distinct address:");
        ctx.diagram("delete p; operator new(0)", log(heap, mark));
        ctx.say("q = " + hex(q) + ": the chunk just freed, back from the tcache.");
    }

    private void cookie(LessonContext ctx) {
        ctx.step("new T[n] and the array cookie", "new T[n] 与数组 cookie");
        MallocMachine pm = MallocMachine.start();
        CxxHeap heap = cxx(pm);
        long ints = heap.newArray(CxxType.INT, 10);
        int mark = heap.calls().size();
        long w = heap.newArray(WIDGET, 10);
        ctx.say("int *a = new int[10];   Widget *w = new Widget[10];",
                "(struct Widget { int id; ~Widget(); }: sizeof 4, with a destructor)");
        ctx.diagram("new int[10]", log(heap, 0).subList(0, mark));
        ctx.diagram("new Widget[10]", log(heap, mark));
        ctx.say("delete[] w must run ten destructors, but free() does not know how many objects",
                "a block holds. So for a type with a non-trivial destructor the compiler asks for",
                "8 more bytes (sizeof(size_t); the cookie is max(8, alignof(T))), stores n there",
                "and returns the address after it. int needs no destructor, so no cookie: a is",
                "exactly what malloc returned. In memory (w - 0x18: chunk header, then cookie):");
        ctx.diagram("x/4gx w - 0x18", pm.heap().dump(w - 0x18, 4));
        ctx.say("size 0x41: operator new[](48) = malloc(48), a 0x40 chunk; then the word 0xa = 10,",
                "the cookie; then the elements from " + hex(w) + " (4 bytes each, not",
                "initialized: the constructor of this Widget writes nothing).");
        int mark2 = heap.calls().size();
        heap.deleteArray(WIDGET, w);
        heap.deleteArray(CxxType.INT, ints);
        ctx.diagram("delete[] w; delete[] a;", log(heap, mark2));
        ctx.say("delete[] reads the count at w - 8, runs the destructors last to first, then frees",
                "w - 8, the pointer malloc really returned. (An 8-byte cookie on 64-bit; texts that",
                "say 4 bytes describe 32-bit ABIs.)",
                "有析构函数的类型，new[] 在数组前多分配 8 字节存放元素个数（cookie）。");
    }

    private void placement(LessonContext ctx) {
        ctx.step("Placement new", "定位 new");
        MallocMachine pm = MallocMachine.start();
        CxxHeap heap = cxx(pm);
        long buf = pm.malloc.malloc(64);
        long p = heap.placementNew(POINT, buf);
        long p2 = heap.placementNew(POINT, buf + 16);
        ctx.say("void *buf = malloc(64) = " + hex(buf) + ";",
                "Point *p = new (buf) Point;   Point *p2 = new (buf + 16) Point;");
        ctx.diagram("what ran", log(heap, 0));
        ctx.say("Placement new only runs the constructor at the given address (p = " + hex(p) + ",",
                "p2 = " + hex(p2) + "): no operator new, no malloc. There is no placement delete",
                "for the user: call the destructor by hand (p->~Point()) and give the buffer back",
                "the way it was obtained, free(buf). This is how std::vector builds elements in",
                "memory it reserved, and how memory pools hand out objects.");
        pm.malloc.free(buf);
    }

    private void mismatch(LessonContext ctx) {
        ctx.step("delete vs delete[]", "delete 与 delete[] 混用");
        MallocMachine pm = MallocMachine.start();
        CxxHeap heap = cxx(pm);
        long w = heap.newArray(WIDGET, 10);
        int mark = heap.calls().size();
        ctx.say("Widget *w = new Widget[10]; delete w;   (should be delete[] w)",
                "delete runs one destructor and calls operator delete(w), i.e. free(w). But w is",
                "8 bytes past what malloc returned: free() takes w - 0x10 as the chunk, whose",
                "\"size field\" is the cookie, 10 = 0b1010, and bit 1 of a size is IS_MMAPPED:");
        MallocMachine.abort(ctx, () -> heap.deleteObject(WIDGET, w));
        ctx.diagram("what ran before the abort", log(heap, mark));
        ctx.say("glibc tried to munmap a chunk that is no mapping and its check stopped it. With",
                "9 Widgets the cookie 0b1001 has IS_MMAPPED clear, and the message becomes",
                "\"free(): invalid pointer\" (w itself is not 16-byte aligned). Either way: abort.");
        MallocMachine pm2 = MallocMachine.start();
        CxxHeap heap2 = cxx(pm2);
        long one = heap2.newObject(WIDGET);
        int mark2 = heap2.calls().size();
        ctx.say("",
                "Widget *o = new Widget; delete[] o;   (should be delete o)",
                "delete[] reads a count from o - 8, which is the chunk's size field 0x21, runs",
                "33 destructors over memory that is not Widgets, then frees o - 8:");
        MallocMachine.abort(ctx, () -> heap2.deleteArray(WIDGET, one));
        ctx.diagram("what ran before the abort", log(heap2, mark2));
        ctx.say("For int (no destructor, no cookie) delete and delete[] happen to free the same",
                "pointer, so the mistake goes unnoticed; it is still undefined behaviour, and",
                "AddressSanitizer reports it as alloc-dealloc-mismatch.",
                "new 配 delete，new[] 配 delete[]；混用会读错 cookie、释放错地址。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q54  In C++ the same malloc serves every object: new = operator new (malloc, or",
                "     bad_alloc) + constructor; delete = destructor + operator delete (free).",
                "     new T[n] for a T with a destructor prepends an 8-byte cookie holding n,",
                "     which delete[] reads. Placement new constructs without allocating. Mixing",
                "     delete and delete[] frees the wrong address: glibc aborts.",
                "Try it: g++ -g t.cc && gdb: x/4gx (char *) w - 0x18 after new Widget[10].");
    }
}
