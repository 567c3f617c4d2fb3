package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The mechanism of the zero-copy paths the javadoc promises on PyTorch's CPU tensors: the direct buffer of a
 * contiguous tensor is the tensor's own memory. The loss reads float32 embeddings and int32 labels through it and
 * writes the gradient (and NONE's per-sample losses) through it into a new tensor; that the written gradient is the
 * one autograd delivers is {@link AutogradEqualsApiProperties}.
 */
class CopiesTest {
    @Test
    void theDirectBufferOfAContiguousCpuTensorIsItsMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2));
            MemorySegment view = MemorySegment.ofBuffer(x.toByteBuffer(true));
            view.setAtIndex(ValueLayout.JAVA_FLOAT, 4, 50f);
            assertArrayEquals(new float[] {1, 2, 3, 4, 50, 6}, x.toFloatArray(), "a write through the view");
            NDArray y = m.create(new int[] {7, 8, 9});
            MemorySegment.ofBuffer(y.toByteBuffer(true)).setAtIndex(ValueLayout.JAVA_INT, 1, 80);
            assertArrayEquals(new int[] {7, 80, 9}, y.toIntArray(), "int32 labels likewise");
        }
    }
}
