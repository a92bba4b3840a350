package io.pagelab.exercise;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.jupiter.api.MethodDescriptor;

/**
 * Runs and lists grader tests in the order they are written, so the first failing test (whose
 * hint the learner sees next) is the first one the grader's author meant to be learnt.
 * Reflection does not promise source order, but javac writes the class file's method table in
 * source order; this reads that table (JVMS §4.1: magic, versions, constant pool, access flags,
 * this/super, interfaces, fields, methods).
 *
 * <p>It is Jupiter's default {@link MethodOrderer} during grading; a grader can still choose
 * another with {@code @TestMethodOrder}.
 */
public final class DeclarationOrder implements MethodOrderer {

    @Override
    public void orderMethods(MethodOrdererContext context) {
        List<String> order = methodNames(context.getTestClass());
        context.getMethodDescriptors().sort(Comparator.comparingInt(
                (MethodDescriptor d) -> indexOf(order, d.getMethod())));
    }

    /** Sort key of {@code method}: its position in its declaring class, classes top-down. */
    static int indexOf(List<String> order, Method method) {
        int i = order.indexOf(method.getName());
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /** The names of {@code type}'s declared methods in class-file (source) order; empty if unreadable. */
    static List<String> methodNames(Class<?> type) {
        String resource = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            return in == null ? List.of() : read(new DataInputStream(in)).orElse(List.of());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<List<String>> read(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            return Optional.empty();
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: // Utf8
                    utf8[i] = in.readUTF();
                    break;
                case 3: case 4: // Integer, Float
                case 9: case 10: case 11: case 12: // Fieldref, Methodref, InterfaceMethodref, NameAndType
                case 17: case 18: // Dynamic, InvokeDynamic
                    in.skipBytes(4);
                    break;
                case 5: case 6: // Long, Double take two entries
                    in.skipBytes(8);
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                    in.skipBytes(2);
                    break;
                case 15: // MethodHandle
                    in.skipBytes(3);
                    break;
                default:
                    return Optional.empty();
            }
        }
        in.skipBytes(6); // access flags, this_class, super_class
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        skipMembers(in); // fields
        int methods = in.readUnsignedShort();
        List<String> names = new ArrayList<>();
        for (int m = 0; m < methods; m++) {
            in.skipBytes(2);
            names.add(utf8[in.readUnsignedShort()]);
            in.skipBytes(2);
            skipAttributes(in);
        }
        return Optional.of(names);
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int members = in.readUnsignedShort();
        for (int m = 0; m < members; m++) {
            in.skipBytes(6);
            skipAttributes(in);
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
