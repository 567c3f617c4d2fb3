/** CUDA C kernel sources shared by the GPU backends; compiled at run time with NVRTC. */
module dev.softsilhouette.cuda.kernels {
    exports dev.softsilhouette.cuda.kernels;
    opens dev.softsilhouette.cuda.kernels; // the .cu resources live in this package
}
