/*
 * visage_ort.h: Visage's own minimal declaration of the ONNX Runtime C API.
 *
 * Why our own header: libonnxruntime is loaded with dlopen at run time from the `onnxruntime` PyPI
 * wheel, which ships no headers, and we want no build-time dependency on ONNX Runtime at all.
 *
 * Only what Visage calls is declared with a real prototype. `struct OrtApi` is a table of function
 * pointers that ONNX Runtime only ever appends to, so every member we do not call is a
 * `void *_unusedNNN` placeholder that keeps the offsets right, and the table stops after the last
 * member we need (our struct is a prefix of the real one; we only read it through a pointer).
 *
 * Layout source: include/onnxruntime/core/session/onnxruntime_c_api.h of ONNX Runtime 1.13
 * (ORT_API_VERSION 13), cross-checked member by member against the OrtApi struct of the C# binding
 * (NativeMethods.shared.cs, ORT 1.14). Slot numbers are in the comments; the static asserts at the
 * end pin every member we call to its slot. Newer libraries (tested: 1.31.1) keep this prefix.
 *
 * Every member we call exists since API version 11 (the CUDA V2 provider-options functions are
 * the newest), so Swift asks GetApi for VISAGE_ORT_API_VERSION and works with any 1.11+ library.
 */
#ifndef VISAGE_ORT_H
#define VISAGE_ORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The lowest OrtApi version that contains every member declared with a prototype below. */
#define VISAGE_ORT_API_VERSION 11

/* Opaque handles: we only ever hold pointers to them. */
typedef struct OrtEnv OrtEnv;
typedef struct OrtStatus OrtStatus;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtSession OrtSession;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtCUDAProviderOptionsV2 OrtCUDAProviderOptionsV2;
/* A real struct of function pointers in ORT; we never look inside (we free with AllocatorFree). */
typedef struct OrtAllocator OrtAllocator;

typedef enum ONNXTensorElementDataType {
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED = 0,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT = 1,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 = 2,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 = 3,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 = 4,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 = 5,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 = 6,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 = 7,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING = 8,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL = 9,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 = 10,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE = 11,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 = 12,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 = 13,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 = 14,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128 = 15,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 = 16
} ONNXTensorElementDataType;

typedef enum OrtLoggingLevel {
    ORT_LOGGING_LEVEL_VERBOSE = 0,
    ORT_LOGGING_LEVEL_INFO = 1,
    ORT_LOGGING_LEVEL_WARNING = 2,
    ORT_LOGGING_LEVEL_ERROR = 3,
    ORT_LOGGING_LEVEL_FATAL = 4
} OrtLoggingLevel;

typedef enum OrtErrorCode {
    ORT_OK = 0,
    ORT_FAIL = 1,
    ORT_INVALID_ARGUMENT = 2,
    ORT_NO_SUCHFILE = 3,
    ORT_NO_MODEL = 4,
    ORT_ENGINE_ERROR = 5,
    ORT_RUNTIME_EXCEPTION = 6,
    ORT_INVALID_PROTOBUF = 7,
    ORT_MODEL_LOADED = 8,
    ORT_NOT_IMPLEMENTED = 9,
    ORT_INVALID_GRAPH = 10,
    ORT_EP_FAIL = 11
} OrtErrorCode;

typedef enum GraphOptimizationLevel {
    ORT_DISABLE_ALL = 0,
    ORT_ENABLE_BASIC = 1,
    ORT_ENABLE_EXTENDED = 2,
    ORT_ENABLE_ALL = 99
} GraphOptimizationLevel;

typedef enum OrtAllocatorType {
    OrtInvalidAllocator = -1,
    OrtDeviceAllocator = 0,
    OrtArenaAllocator = 1
} OrtAllocatorType;

typedef enum OrtMemType {
    OrtMemTypeCPUInput = -2,
    OrtMemTypeCPUOutput = -1,
    OrtMemTypeCPU = -1,
    OrtMemTypeDefault = 0
} OrtMemType;

typedef struct OrtApi OrtApi;

/* What the exported entry point OrtGetApiBase() returns. */
typedef struct OrtApiBase {
    const OrtApi *(*GetApi)(uint32_t version); /* NULL when the library is older than `version` */
    const char *(*GetVersionString)(void);     /* e.g. "1.31.1" */
} OrtApiBase;

/* The type of the one symbol we look up with dlsym. */
typedef const OrtApiBase *(*VisageOrtGetApiBaseFn)(void);

/* The file a loaded symbol comes from (dladdr), or NULL. In C because Swift's Glibc module does
 * not expose dladdr, a GNU extension. Used to report which libonnxruntime the system loader picked. */
const char *visage_ort_file_of_symbol(const void *symbol);

/* On Linux ORT_API_CALL is empty (default C calling convention) and ORTCHAR_T is char. */
struct OrtApi {
    /*   0 */ OrtStatus *(*CreateStatus)(OrtErrorCode code, const char *msg);
    /*   1 */ OrtErrorCode (*GetErrorCode)(const OrtStatus *status);
    /*   2 */ const char *(*GetErrorMessage)(const OrtStatus *status);
    /*   3 */ OrtStatus *(*CreateEnv)(OrtLoggingLevel log_severity_level, const char *logid, OrtEnv **out);
    /*   4 */ void *_unused004; /* CreateEnvWithCustomLogger */
    /*   5 */ void *_unused005; /* EnableTelemetryEvents */
    /*   6 */ void *_unused006; /* DisableTelemetryEvents */
    /*   7 */ OrtStatus *(*CreateSession)(const OrtEnv *env, const char *model_path, const OrtSessionOptions *options,
                  OrtSession **out);
    /*   8 */ void *_unused008; /* CreateSessionFromArray */
    /*   9 */ OrtStatus *(*Run)(OrtSession *session, const OrtRunOptions *run_options, const char *const *input_names,
                  const OrtValue *const *inputs, size_t input_len, const char *const *output_names,
                  size_t output_names_len, OrtValue **outputs);
    /*  10 */ OrtStatus *(*CreateSessionOptions)(OrtSessionOptions **options);
    /*  11 */ void *_unused011; /* SetOptimizedModelFilePath */
    /*  12 */ void *_unused012; /* CloneSessionOptions */
    /*  13 */ void *_unused013; /* SetSessionExecutionMode */
    /*  14 */ void *_unused014; /* EnableProfiling */
    /*  15 */ void *_unused015; /* DisableProfiling */
    /*  16 */ void *_unused016; /* EnableMemPattern */
    /*  17 */ void *_unused017; /* DisableMemPattern */
    /*  18 */ void *_unused018; /* EnableCpuMemArena */
    /*  19 */ void *_unused019; /* DisableCpuMemArena */
    /*  20 */ void *_unused020; /* SetSessionLogId */
    /*  21 */ void *_unused021; /* SetSessionLogVerbosityLevel */
    /*  22 */ void *_unused022; /* SetSessionLogSeverityLevel */
    /*  23 */ OrtStatus *(*SetSessionGraphOptimizationLevel)(OrtSessionOptions *options,
                  GraphOptimizationLevel graph_optimization_level);
    /*  24 */ OrtStatus *(*SetIntraOpNumThreads)(OrtSessionOptions *options, int intra_op_num_threads);
    /*  25 */ void *_unused025; /* SetInterOpNumThreads */
    /*  26 */ void *_unused026; /* CreateCustomOpDomain */
    /*  27 */ void *_unused027; /* CustomOpDomain_Add */
    /*  28 */ void *_unused028; /* AddCustomOpDomain */
    /*  29 */ void *_unused029; /* RegisterCustomOpsLibrary */
    /*  30 */ OrtStatus *(*SessionGetInputCount)(const OrtSession *session, size_t *out);
    /*  31 */ OrtStatus *(*SessionGetOutputCount)(const OrtSession *session, size_t *out);
    /*  32 */ void *_unused032; /* SessionGetOverridableInitializerCount */
    /*  33 */ OrtStatus *(*SessionGetInputTypeInfo)(const OrtSession *session, size_t index, OrtTypeInfo **type_info);
    /*  34 */ OrtStatus *(*SessionGetOutputTypeInfo)(const OrtSession *session, size_t index, OrtTypeInfo **type_info);
    /*  35 */ void *_unused035; /* SessionGetOverridableInitializerTypeInfo */
    /*  36 */ OrtStatus *(*SessionGetInputName)(const OrtSession *session, size_t index, OrtAllocator *allocator,
                  char **value);
    /*  37 */ OrtStatus *(*SessionGetOutputName)(const OrtSession *session, size_t index, OrtAllocator *allocator,
                  char **value);
    /*  38 */ void *_unused038; /* SessionGetOverridableInitializerName */
    /*  39 */ void *_unused039; /* CreateRunOptions */
    /*  40 */ void *_unused040; /* RunOptionsSetRunLogVerbosityLevel */
    /*  41 */ void *_unused041; /* RunOptionsSetRunLogSeverityLevel */
    /*  42 */ void *_unused042; /* RunOptionsSetRunTag */
    /*  43 */ void *_unused043; /* RunOptionsGetRunLogVerbosityLevel */
    /*  44 */ void *_unused044; /* RunOptionsGetRunLogSeverityLevel */
    /*  45 */ void *_unused045; /* RunOptionsGetRunTag */
    /*  46 */ void *_unused046; /* RunOptionsSetTerminate */
    /*  47 */ void *_unused047; /* RunOptionsUnsetTerminate */
    /*  48 */ void *_unused048; /* CreateTensorAsOrtValue */
    /*  49 */ OrtStatus *(*CreateTensorWithDataAsOrtValue)(const OrtMemoryInfo *info, void *p_data, size_t p_data_len,
                  const int64_t *shape, size_t shape_len,
                  ONNXTensorElementDataType type, OrtValue **out);
    /*  50 */ void *_unused050; /* IsTensor */
    /*  51 */ OrtStatus *(*GetTensorMutableData)(OrtValue *value, void **out);
    /*  52 */ void *_unused052; /* FillStringTensor */
    /*  53 */ void *_unused053; /* GetStringTensorDataLength */
    /*  54 */ void *_unused054; /* GetStringTensorContent */
    /*  55 */ OrtStatus *(*CastTypeInfoToTensorInfo)(const OrtTypeInfo *type_info,
                  const OrtTensorTypeAndShapeInfo **out);
    /*  56 */ void *_unused056; /* GetOnnxTypeFromTypeInfo */
    /*  57 */ void *_unused057; /* CreateTensorTypeAndShapeInfo */
    /*  58 */ void *_unused058; /* SetTensorElementType */
    /*  59 */ void *_unused059; /* SetDimensions */
    /*  60 */ OrtStatus *(*GetTensorElementType)(const OrtTensorTypeAndShapeInfo *info, ONNXTensorElementDataType *out);
    /*  61 */ OrtStatus *(*GetDimensionsCount)(const OrtTensorTypeAndShapeInfo *info, size_t *out);
    /*  62 */ OrtStatus *(*GetDimensions)(const OrtTensorTypeAndShapeInfo *info, int64_t *dim_values,
                  size_t dim_values_length);
    /*  63 */ void *_unused063; /* GetSymbolicDimensions */
    /*  64 */ OrtStatus *(*GetTensorShapeElementCount)(const OrtTensorTypeAndShapeInfo *info, size_t *out);
    /*  65 */ OrtStatus *(*GetTensorTypeAndShape)(const OrtValue *value, OrtTensorTypeAndShapeInfo **out);
    /*  66 */ void *_unused066; /* GetTypeInfo */
    /*  67 */ void *_unused067; /* GetValueType */
    /*  68 */ void *_unused068; /* CreateMemoryInfo */
    /*  69 */ OrtStatus *(*CreateCpuMemoryInfo)(OrtAllocatorType type, OrtMemType mem_type, OrtMemoryInfo **out);
    /*  70 */ void *_unused070; /* CompareMemoryInfo */
    /*  71 */ void *_unused071; /* MemoryInfoGetName */
    /*  72 */ void *_unused072; /* MemoryInfoGetId */
    /*  73 */ void *_unused073; /* MemoryInfoGetMemType */
    /*  74 */ void *_unused074; /* MemoryInfoGetType */
    /*  75 */ void *_unused075; /* AllocatorAlloc */
    /*  76 */ OrtStatus *(*AllocatorFree)(OrtAllocator *allocator, void *p);
    /*  77 */ void *_unused077; /* AllocatorGetInfo */
    /*  78 */ OrtStatus *(*GetAllocatorWithDefaultOptions)(OrtAllocator **out);
    /*  79 */ void *_unused079; /* AddFreeDimensionOverride */
    /*  80 */ void *_unused080; /* GetValue */
    /*  81 */ void *_unused081; /* GetValueCount */
    /*  82 */ void *_unused082; /* CreateValue */
    /*  83 */ void *_unused083; /* CreateOpaqueValue */
    /*  84 */ void *_unused084; /* GetOpaqueValue */
    /*  85 */ void *_unused085; /* KernelInfoGetAttribute_float */
    /*  86 */ void *_unused086; /* KernelInfoGetAttribute_int64 */
    /*  87 */ void *_unused087; /* KernelInfoGetAttribute_string */
    /*  88 */ void *_unused088; /* KernelContext_GetInputCount */
    /*  89 */ void *_unused089; /* KernelContext_GetOutputCount */
    /*  90 */ void *_unused090; /* KernelContext_GetInput */
    /*  91 */ void *_unused091; /* KernelContext_GetOutput */
    /*  92 */ void (*ReleaseEnv)(OrtEnv *input);
    /*  93 */ void (*ReleaseStatus)(OrtStatus *input);
    /*  94 */ void (*ReleaseMemoryInfo)(OrtMemoryInfo *input);
    /*  95 */ void (*ReleaseSession)(OrtSession *input);
    /*  96 */ void (*ReleaseValue)(OrtValue *input);
    /*  97 */ void *_unused097; /* ReleaseRunOptions */
    /*  98 */ void (*ReleaseTypeInfo)(OrtTypeInfo *input);
    /*  99 */ void (*ReleaseTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo *input);
    /* 100 */ void (*ReleaseSessionOptions)(OrtSessionOptions *input);
    /* 101 */ void *_unused101; /* ReleaseCustomOpDomain */
    /* 102 */ void *_unused102; /* GetDenotationFromTypeInfo */
    /* 103 */ void *_unused103; /* CastTypeInfoToMapTypeInfo */
    /* 104 */ void *_unused104; /* CastTypeInfoToSequenceTypeInfo */
    /* 105 */ void *_unused105; /* GetMapKeyType */
    /* 106 */ void *_unused106; /* GetMapValueType */
    /* 107 */ void *_unused107; /* GetSequenceElementType */
    /* 108 */ void *_unused108; /* ReleaseMapTypeInfo */
    /* 109 */ void *_unused109; /* ReleaseSequenceTypeInfo */
    /* 110 */ void *_unused110; /* SessionEndProfiling */
    /* 111 */ void *_unused111; /* SessionGetModelMetadata */
    /* 112 */ void *_unused112; /* ModelMetadataGetProducerName */
    /* 113 */ void *_unused113; /* ModelMetadataGetGraphName */
    /* 114 */ void *_unused114; /* ModelMetadataGetDomain */
    /* 115 */ void *_unused115; /* ModelMetadataGetDescription */
    /* 116 */ void *_unused116; /* ModelMetadataLookupCustomMetadataMap */
    /* 117 */ void *_unused117; /* ModelMetadataGetVersion */
    /* 118 */ void *_unused118; /* ReleaseModelMetadata */
    /* 119 */ void *_unused119; /* CreateEnvWithGlobalThreadPools */
    /* 120 */ void *_unused120; /* DisablePerSessionThreads */
    /* 121 */ void *_unused121; /* CreateThreadingOptions */
    /* 122 */ void *_unused122; /* ReleaseThreadingOptions */
    /* 123 */ void *_unused123; /* ModelMetadataGetCustomMetadataMapKeys */
    /* 124 */ void *_unused124; /* AddFreeDimensionOverrideByName */
    /* 125 */ OrtStatus *(*GetAvailableProviders)(char ***out_ptr, int *provider_length);
    /* 126 */ OrtStatus *(*ReleaseAvailableProviders)(char **ptr, int providers_length);
    /* 127 */ void *_unused127; /* GetStringTensorElementLength */
    /* 128 */ void *_unused128; /* GetStringTensorElement */
    /* 129 */ void *_unused129; /* FillStringTensorElement */
    /* 130 */ void *_unused130; /* AddSessionConfigEntry */
    /* 131 */ void *_unused131; /* CreateAllocator */
    /* 132 */ void *_unused132; /* ReleaseAllocator */
    /* 133 */ void *_unused133; /* RunWithBinding */
    /* 134 */ void *_unused134; /* CreateIoBinding */
    /* 135 */ void *_unused135; /* ReleaseIoBinding */
    /* 136 */ void *_unused136; /* BindInput */
    /* 137 */ void *_unused137; /* BindOutput */
    /* 138 */ void *_unused138; /* BindOutputToDevice */
    /* 139 */ void *_unused139; /* GetBoundOutputNames */
    /* 140 */ void *_unused140; /* GetBoundOutputValues */
    /* 141 */ void *_unused141; /* ClearBoundInputs */
    /* 142 */ void *_unused142; /* ClearBoundOutputs */
    /* 143 */ void *_unused143; /* TensorAt */
    /* 144 */ void *_unused144; /* CreateAndRegisterAllocator */
    /* 145 */ void *_unused145; /* SetLanguageProjection */
    /* 146 */ void *_unused146; /* SessionGetProfilingStartTimeNs */
    /* 147 */ void *_unused147; /* SetGlobalIntraOpNumThreads */
    /* 148 */ void *_unused148; /* SetGlobalInterOpNumThreads */
    /* 149 */ void *_unused149; /* SetGlobalSpinControl */
    /* 150 */ void *_unused150; /* AddInitializer */
    /* 151 */ void *_unused151; /* CreateEnvWithCustomLoggerAndGlobalThreadPools */
    /* 152 */ void *_unused152; /* SessionOptionsAppendExecutionProvider_CUDA */
    /* 153 */ void *_unused153; /* SessionOptionsAppendExecutionProvider_ROCM */
    /* 154 */ void *_unused154; /* SessionOptionsAppendExecutionProvider_OpenVINO */
    /* 155 */ void *_unused155; /* SetGlobalDenormalAsZero */
    /* 156 */ void *_unused156; /* CreateArenaCfg */
    /* 157 */ void *_unused157; /* ReleaseArenaCfg */
    /* 158 */ void *_unused158; /* ModelMetadataGetGraphDescription */
    /* 159 */ void *_unused159; /* SessionOptionsAppendExecutionProvider_TensorRT */
    /* 160 */ void *_unused160; /* SetCurrentGpuDeviceId */
    /* 161 */ void *_unused161; /* GetCurrentGpuDeviceId */
    /* 162 */ void *_unused162; /* KernelInfoGetAttributeArray_float */
    /* 163 */ void *_unused163; /* KernelInfoGetAttributeArray_int64 */
    /* 164 */ void *_unused164; /* CreateArenaCfgV2 */
    /* 165 */ void *_unused165; /* AddRunConfigEntry */
    /* 166 */ void *_unused166; /* CreatePrepackedWeightsContainer */
    /* 167 */ void *_unused167; /* ReleasePrepackedWeightsContainer */
    /* 168 */ void *_unused168; /* CreateSessionWithPrepackedWeightsContainer */
    /* 169 */ void *_unused169; /* CreateSessionFromArrayWithPrepackedWeightsContainer */
    /* 170 */ void *_unused170; /* SessionOptionsAppendExecutionProvider_TensorRT_V2 */
    /* 171 */ void *_unused171; /* CreateTensorRTProviderOptions */
    /* 172 */ void *_unused172; /* UpdateTensorRTProviderOptions */
    /* 173 */ void *_unused173; /* GetTensorRTProviderOptionsAsString */
    /* 174 */ void *_unused174; /* ReleaseTensorRTProviderOptions */
    /* 175 */ void *_unused175; /* EnableOrtCustomOps */
    /* 176 */ void *_unused176; /* RegisterAllocator */
    /* 177 */ void *_unused177; /* UnregisterAllocator */
    /* 178 */ void *_unused178; /* IsSparseTensor */
    /* 179 */ void *_unused179; /* CreateSparseTensorAsOrtValue */
    /* 180 */ void *_unused180; /* FillSparseTensorCoo */
    /* 181 */ void *_unused181; /* FillSparseTensorCsr */
    /* 182 */ void *_unused182; /* FillSparseTensorBlockSparse */
    /* 183 */ void *_unused183; /* CreateSparseTensorWithValuesAsOrtValue */
    /* 184 */ void *_unused184; /* UseCooIndices */
    /* 185 */ void *_unused185; /* UseCsrIndices */
    /* 186 */ void *_unused186; /* UseBlockSparseIndices */
    /* 187 */ void *_unused187; /* GetSparseTensorFormat */
    /* 188 */ void *_unused188; /* GetSparseTensorValuesTypeAndShape */
    /* 189 */ void *_unused189; /* GetSparseTensorValues */
    /* 190 */ void *_unused190; /* GetSparseTensorIndicesTypeShape */
    /* 191 */ void *_unused191; /* GetSparseTensorIndices */
    /* 192 */ void *_unused192; /* HasValue */
    /* 193 */ void *_unused193; /* KernelContext_GetGPUComputeStream */
    /* 194 */ void *_unused194; /* GetTensorMemoryInfo */
    /* 195 */ void *_unused195; /* GetExecutionProviderApi */
    /* 196 */ void *_unused196; /* SessionOptionsSetCustomCreateThreadFn */
    /* 197 */ void *_unused197; /* SessionOptionsSetCustomThreadCreationOptions */
    /* 198 */ void *_unused198; /* SessionOptionsSetCustomJoinThreadFn */
    /* 199 */ void *_unused199; /* SetGlobalCustomCreateThreadFn */
    /* 200 */ void *_unused200; /* SetGlobalCustomThreadCreationOptions */
    /* 201 */ void *_unused201; /* SetGlobalCustomJoinThreadFn */
    /* 202 */ void *_unused202; /* SynchronizeBoundInputs */
    /* 203 */ void *_unused203; /* SynchronizeBoundOutputs */
    /* 204 */ OrtStatus *(*SessionOptionsAppendExecutionProvider_CUDA_V2)(OrtSessionOptions *options,
                  const OrtCUDAProviderOptionsV2 *cuda_options);
    /* 205 */ OrtStatus *(*CreateCUDAProviderOptions)(OrtCUDAProviderOptionsV2 **out);
    /* 206 */ OrtStatus *(*UpdateCUDAProviderOptions)(OrtCUDAProviderOptionsV2 *cuda_options,
                  const char *const *provider_options_keys,
                  const char *const *provider_options_values, size_t num_keys);
    /* 207 */ void *_unused207; /* GetCUDAProviderOptionsAsString */
    /* 208 */ void (*ReleaseCUDAProviderOptions)(OrtCUDAProviderOptionsV2 *input);
};

/* Pin each member we call to the slot it has in the real OrtApi; a miscounted placeholder fails
 * the build instead of calling the wrong function at run time. */
#define VISAGE_ORT_SLOT(member, slot) \
    _Static_assert(offsetof(struct OrtApi, member) == (slot) * sizeof(void *), #member " is not slot " #slot)
VISAGE_ORT_SLOT(CreateStatus, 0);
VISAGE_ORT_SLOT(GetErrorCode, 1);
VISAGE_ORT_SLOT(GetErrorMessage, 2);
VISAGE_ORT_SLOT(CreateEnv, 3);
VISAGE_ORT_SLOT(CreateSession, 7);
VISAGE_ORT_SLOT(Run, 9);
VISAGE_ORT_SLOT(CreateSessionOptions, 10);
VISAGE_ORT_SLOT(SetSessionGraphOptimizationLevel, 23);
VISAGE_ORT_SLOT(SetIntraOpNumThreads, 24);
VISAGE_ORT_SLOT(SessionGetInputCount, 30);
VISAGE_ORT_SLOT(SessionGetOutputCount, 31);
VISAGE_ORT_SLOT(SessionGetInputTypeInfo, 33);
VISAGE_ORT_SLOT(SessionGetOutputTypeInfo, 34);
VISAGE_ORT_SLOT(SessionGetInputName, 36);
VISAGE_ORT_SLOT(SessionGetOutputName, 37);
VISAGE_ORT_SLOT(CreateTensorWithDataAsOrtValue, 49);
VISAGE_ORT_SLOT(GetTensorMutableData, 51);
VISAGE_ORT_SLOT(CastTypeInfoToTensorInfo, 55);
VISAGE_ORT_SLOT(GetTensorElementType, 60);
VISAGE_ORT_SLOT(GetDimensionsCount, 61);
VISAGE_ORT_SLOT(GetDimensions, 62);
VISAGE_ORT_SLOT(GetTensorShapeElementCount, 64);
VISAGE_ORT_SLOT(GetTensorTypeAndShape, 65);
VISAGE_ORT_SLOT(CreateCpuMemoryInfo, 69);
VISAGE_ORT_SLOT(AllocatorFree, 76);
VISAGE_ORT_SLOT(GetAllocatorWithDefaultOptions, 78);
VISAGE_ORT_SLOT(ReleaseEnv, 92);
VISAGE_ORT_SLOT(ReleaseStatus, 93);
VISAGE_ORT_SLOT(ReleaseMemoryInfo, 94);
VISAGE_ORT_SLOT(ReleaseSession, 95);
VISAGE_ORT_SLOT(ReleaseValue, 96);
VISAGE_ORT_SLOT(ReleaseTypeInfo, 98);
VISAGE_ORT_SLOT(ReleaseTensorTypeAndShapeInfo, 99);
VISAGE_ORT_SLOT(ReleaseSessionOptions, 100);
VISAGE_ORT_SLOT(GetAvailableProviders, 125);
VISAGE_ORT_SLOT(ReleaseAvailableProviders, 126);
VISAGE_ORT_SLOT(SessionOptionsAppendExecutionProvider_CUDA_V2, 204);
VISAGE_ORT_SLOT(CreateCUDAProviderOptions, 205);
VISAGE_ORT_SLOT(UpdateCUDAProviderOptions, 206);
VISAGE_ORT_SLOT(ReleaseCUDAProviderOptions, 208);

_Static_assert(sizeof(struct OrtApi) == 209 * sizeof(void *), "OrtApi prefix must end after ReleaseCUDAProviderOptions");
#undef VISAGE_ORT_SLOT

#ifdef __cplusplus
}
#endif

#endif /* VISAGE_ORT_H */
