package dev.softsilhouette.cuda;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.constant.ConstantDesc;
import java.util.HashMap;
import java.util.Map;

/** Reads a class's {@code static final int} constants from its class file, without initialising the class. */
final class ClassFileConstants {
    private ClassFileConstants() {
    }

    static Map<String, Integer> intConstants(Class<?> type) throws Exception {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            ClassModel model = ClassFile.of().parse(in.readAllBytes());
            Map<String, Integer> constants = new HashMap<>();
            for (FieldModel field : model.fields()) {
                field.findAttribute(java.lang.classfile.Attributes.constantValue()).ifPresent(attribute -> {
                    ConstantDesc value = attribute.constant().constantValue();
                    if (value instanceof Integer i) {
                        constants.put(field.fieldName().stringValue(), i);
                    }
                });
            }
            return constants;
        }
    }
}
