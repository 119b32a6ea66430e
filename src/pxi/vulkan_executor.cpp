// The vulkan backend: shaders/uart.comp (compiled to SPIR-V at build time) run
// through the Vulkan loader on the first compute-capable device (a GPU before a
// CPU implementation such as lavapipe; PXI_VULKAN_DEVICE=N picks device N).
#include <vulkan/vulkan.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "pxi/executor.h"
#include "pxi_uart_spv.h"  // generated: pxi_uart_spv[]

namespace pxos::pxi {
namespace {

constexpr uint32_t kTile = 4096, kRec = 16;
constexpr uint32_t kStagingMinOps = 1u << 16;  // smaller batches never take the staging copies

std::string vk_err(const char* what, VkResult r) {
  return std::string(what) + " failed (VkResult " + std::to_string(int(r)) + ")";
}

#define VK_CHECK(call, what)                                           \
  do {                                                                 \
    VkResult r_ = (call);                                              \
    if (r_ != VK_SUCCESS) throw Error(Errc::kUsage, vk_err(what, r_)); \
  } while (0)

struct Buffer {
  VkBuffer buf = VK_NULL_HANDLE;
  VkDeviceMemory mem = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void* map = nullptr;
};

class VulkanExecutor final : public Executor {
 public:
  VulkanExecutor() {
    try {
      init();
    } catch (...) {
      destroy();
      throw;
    }
  }
  ~VulkanExecutor() override { destroy(); }

  std::string name() const override { return "vulkan"; }
  std::string device() const override {
    std::string d = props_.deviceName;
    if (props_.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU)
      d += std::strncmp(props_.deviceName, "llvmpipe", 8) == 0 ? ": Mesa's lavapipe, a CPU implementation of Vulkan"
                                                               : ": a CPU implementation of Vulkan";
    return d;
  }
  bool on_cpu() const override { return props_.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU; }

  std::span<Pixel> input(size_t n) override {
    if (n > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
    ensure_capacity(n);
    return {static_cast<Pixel*>(in_host().map), n};
  }

  ExecResult run(std::span<const Pixel> ops) override {
    if (ops.size() > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
    ExecResult r;
    r.stats.ops = ops.size();
    if (ops.empty()) return r;
    const uint32_t n = uint32_t(ops.size());
    const bool staged = in_host().map && ops.data() == static_cast<const Pixel*>(in_host().map);
    if (!staged) {
      ensure_capacity(n);
      std::memcpy(in_host().map, ops.data(), size_t(n) * 4);
    }
    const uint32_t tiles = (n + kTile - 1) / kTile;
    // Small batches skip the staging copies: the kernels read and write host-visible memory.
    const bool direct = !staging_ || n < kStagingMinOps;
    record(n, tiles, direct);
    submit_and_wait();
    const auto* t = static_cast<const uint32_t*>(totals_.map);
    Stats& s = r.stats;
    s.nops = t[0];
    s.writes = t[1];
    s.set_lines = t[2];
    s.unknown = t[3];
    s.invalid = t[4];
    if (t[5] != 0xFFFFFFFFu) {
      s.first_error_op = t[5];
      s.first_error_code = t[6];
    }
    s.bytes_out = t[7];
    s.line_changes = t[8];
    if (!direct && (s.bytes_out || s.line_changes)) {
      // Device-local results: copy exactly what was produced back to host-visible memory.
      begin();
      VkBufferCopy c{0, 0, 0};
      if (s.bytes_out) {
        c.size = s.bytes_out;
        vkCmdCopyBuffer(cmd_, bytes_.buf, bytes_host_.buf, 1, &c);
      }
      if (s.line_changes) {
        c.size = s.line_changes * sizeof(LineChange);
        vkCmdCopyBuffer(cmd_, changes_.buf, changes_host_.buf, 1, &c);
      }
      barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
              VK_ACCESS_HOST_READ_BIT);
      VK_CHECK(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
      submit_and_wait();
    }
    r.bytes = {static_cast<const uint8_t*>(out_bytes().map), size_t(s.bytes_out)};
    r.changes = {static_cast<const LineChange*>(out_changes().map), size_t(s.line_changes)};
    return r;
  }

 private:
  void init() {
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "pxos-pxi";
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo ici{};
    ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ici.pApplicationInfo = &app;
    VK_CHECK(vkCreateInstance(&ici, nullptr, &inst_), "vkCreateInstance (is a Vulkan driver installed?)");
    uint32_t count = 0;
    VK_CHECK(vkEnumeratePhysicalDevices(inst_, &count, nullptr), "vkEnumeratePhysicalDevices");
    if (count == 0) throw Error(Errc::kUsage, "no Vulkan device found (for a CPU device install mesa-vulkan-drivers)");
    std::vector<VkPhysicalDevice> devs(count);
    VK_CHECK(vkEnumeratePhysicalDevices(inst_, &count, devs.data()), "vkEnumeratePhysicalDevices");
    // Prefer a real GPU; a CPU implementation (lavapipe) last.
    int pick = -1, best = -1;
    for (uint32_t i = 0; i < count; ++i) {
      VkPhysicalDeviceProperties p;
      vkGetPhysicalDeviceProperties(devs[i], &p);
      const int score = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 4
                        : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 3
                        : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU            ? 1
                                                                                 : 2;
      if (score > best) best = score, pick = int(i);
    }
    if (const char* e = std::getenv("PXI_VULKAN_DEVICE")) {
      const int i = std::atoi(e);
      if (i < 0 || uint32_t(i) >= count) throw Error(Errc::kUsage, "PXI_VULKAN_DEVICE out of range");
      pick = i;
    }
    phys_ = devs[pick];
    vkGetPhysicalDeviceProperties(phys_, &props_);
    vkGetPhysicalDeviceMemoryProperties(phys_, &memprops_);
    for (uint32_t i = 0; i < memprops_.memoryTypeCount; ++i) {
      const auto f = memprops_.memoryTypes[i].propertyFlags;
      if ((f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) && !(f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)) staging_ = true;
    }
    if (const char* e = std::getenv("PXI_VULKAN_STAGING")) staging_ = std::strcmp(e, "0") != 0;
    uint32_t nq = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(phys_, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> qf(nq);
    vkGetPhysicalDeviceQueueFamilyProperties(phys_, &nq, qf.data());
    family_ = UINT32_MAX;
    for (uint32_t i = 0; i < nq; ++i)
      if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
        family_ = i;
        break;
      }
    if (family_ == UINT32_MAX) throw Error(Errc::kUsage, "the Vulkan device has no compute queue");
    const float prio = 1.0f;
    VkDeviceQueueCreateInfo qci{};
    qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    qci.queueFamilyIndex = family_;
    qci.queueCount = 1;
    qci.pQueuePriorities = &prio;
    VkDeviceCreateInfo dci{};
    dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    VK_CHECK(vkCreateDevice(phys_, &dci, nullptr, &dev_), "vkCreateDevice");
    vkGetDeviceQueue(dev_, family_, 0, &queue_);

    VkShaderModuleCreateInfo smci{};

    smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    smci.codeSize = sizeof(pxi_uart_spv);
    smci.pCode = pxi_uart_spv;
    VK_CHECK(vkCreateShaderModule(dev_, &smci, nullptr, &shader_), "vkCreateShaderModule");
    VkDescriptorSetLayoutBinding b[5]{};
    for (uint32_t i = 0; i < 5; ++i) {
      b[i].binding = i;
      b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      b[i].descriptorCount = 1;
      b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo dl{};
    dl.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    dl.bindingCount = 5;
    dl.pBindings = b;
    VK_CHECK(vkCreateDescriptorSetLayout(dev_, &dl, nullptr, &dsl_), "vkCreateDescriptorSetLayout");
    VkPushConstantRange pcr{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
    VkPipelineLayoutCreateInfo pl{};
    pl.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &dsl_;
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &pcr;
    VK_CHECK(vkCreatePipelineLayout(dev_, &pl, nullptr, &layout_), "vkCreatePipelineLayout");
    for (uint32_t pass = 0; pass < 3; ++pass) {
      VkSpecializationMapEntry me{0, 0, 4};
      VkSpecializationInfo spec{1, &me, 4, &pass};
      VkComputePipelineCreateInfo cpi{};
      cpi.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
      cpi.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
      cpi.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
      cpi.stage.module = shader_;
      cpi.stage.pName = "main";
      cpi.stage.pSpecializationInfo = &spec;
      cpi.layout = layout_;
      VK_CHECK(vkCreateComputePipelines(dev_, VK_NULL_HANDLE, 1, &cpi, nullptr, &pipe_[pass]),
               "vkCreateComputePipelines");
    }
    VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 10};
    VkDescriptorPoolCreateInfo dp{};
    dp.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    dp.maxSets = 2;
    dp.poolSizeCount = 1;
    dp.pPoolSizes = &ps;
    VK_CHECK(vkCreateDescriptorPool(dev_, &dp, nullptr, &pool_), "vkCreateDescriptorPool");
    VkDescriptorSetAllocateInfo da{};
    da.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    da.descriptorPool = pool_;
    const VkDescriptorSetLayout layouts[2] = {dsl_, dsl_};
    da.descriptorSetCount = 2;
    da.pSetLayouts = layouts;
    VK_CHECK(vkAllocateDescriptorSets(dev_, &da, set_), "vkAllocateDescriptorSets");
    VkCommandPoolCreateInfo cp{};
    cp.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    cp.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cp.queueFamilyIndex = family_;
    VK_CHECK(vkCreateCommandPool(dev_, &cp, nullptr, &cmdpool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ca{};
    ca.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ca.commandPool = cmdpool_;
    ca.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ca.commandBufferCount = 1;
    VK_CHECK(vkAllocateCommandBuffers(dev_, &ca, &cmd_), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fci{};
    fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    VK_CHECK(vkCreateFence(dev_, &fci, nullptr, &fence_), "vkCreateFence");
    make_buffer(totals_, 64, true);
    ensure_capacity(kTile);
  }

  uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags nice) {
    for (int pass = 0; pass < 2; ++pass)
      for (uint32_t i = 0; i < memprops_.memoryTypeCount; ++i) {
        const auto f = memprops_.memoryTypes[i].propertyFlags;
        if ((bits & (1u << i)) && (f & want) == want && (pass == 1 || (f & nice) == nice)) return i;
      }
    throw Error(Errc::kUsage, "no suitable Vulkan memory type");
  }

  void make_buffer(Buffer& b, VkDeviceSize size, bool host) {
    free_buffer(b);
    VkBufferCreateInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bi.size = size;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VK_CHECK(vkCreateBuffer(dev_, &bi, nullptr, &b.buf), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev_, b.buf, &req);
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = host ? memory_type(req.memoryTypeBits,
                                            VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                            VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                              : memory_type(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK_CHECK(vkAllocateMemory(dev_, &ai, nullptr, &b.mem), "vkAllocateMemory");
    VK_CHECK(vkBindBufferMemory(dev_, b.buf, b.mem, 0), "vkBindBufferMemory");
    if (host) VK_CHECK(vkMapMemory(dev_, b.mem, 0, VK_WHOLE_SIZE, 0, &b.map), "vkMapMemory");
    b.size = size;
  }

  void free_buffer(Buffer& b) {
    if (b.map) vkUnmapMemory(dev_, b.mem);
    if (b.buf) vkDestroyBuffer(dev_, b.buf, nullptr);
    if (b.mem) vkFreeMemory(dev_, b.mem, nullptr);
    b = Buffer{};
  }

  // Staging (a GPU with device-local memory the host cannot map, or
  // PXI_VULKAN_STAGING=1): the kernels work on device-local buffers and the
  // input and results are copied; otherwise they work on host-visible buffers.
  Buffer& in_host() { return staging_ ? ops_host_ : ops_; }
  Buffer& out_bytes() { return staging_ ? bytes_host_ : bytes_; }
  Buffer& out_changes() { return staging_ ? changes_host_ : changes_; }

  void begin() {
    VK_CHECK(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
  }

  void submit_and_wait() {
    VK_CHECK(vkResetFences(dev_, 1, &fence_), "vkResetFences");
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd_;
    VK_CHECK(vkQueueSubmit(queue_, 1, &si, fence_), "vkQueueSubmit");
    VK_CHECK(vkWaitForFences(dev_, 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  }

  void ensure_capacity(size_t n) {
    if (n <= cap_) return;
    size_t cap = kTile;
    while (cap < n) cap *= 2;
    const size_t tiles = (cap + kTile - 1) / kTile;
    make_buffer(ops_, cap * 4, !staging_);
    make_buffer(tiles_, tiles * kRec * 4, false);
    make_buffer(bytes_, (cap + 3) / 4 * 4, !staging_);
    make_buffer(changes_, cap * 8, !staging_);
    if (staging_) {
      make_buffer(ops_host_, cap * 4, true);
      make_buffer(bytes_host_, (cap + 3) / 4 * 4, true);
      make_buffer(changes_host_, cap * 8, true);
    }
    cap_ = cap;
    write_set(set_[0], ops_, bytes_, changes_);
    if (staging_) write_set(set_[1], ops_host_, bytes_host_, changes_host_);
  }

  void write_set(VkDescriptorSet set, Buffer& ops, Buffer& bytes, Buffer& changes) {
    VkDescriptorBufferInfo info[5] = {{ops.buf, 0, VK_WHOLE_SIZE},
                                      {tiles_.buf, 0, VK_WHOLE_SIZE},
                                      {bytes.buf, 0, VK_WHOLE_SIZE},
                                      {changes.buf, 0, VK_WHOLE_SIZE},
                                      {totals_.buf, 0, VK_WHOLE_SIZE}};
    VkWriteDescriptorSet w[5]{};
    for (uint32_t i = 0; i < 5; ++i) {
      w[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      w[i].dstSet = set;
      w[i].dstBinding = i;
      w[i].descriptorCount = 1;
      w[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      w[i].pBufferInfo = &info[i];
    }
    vkUpdateDescriptorSets(dev_, 5, w, 0, nullptr);
  }

  void barrier(VkPipelineStageFlags src, VkAccessFlags src_access, VkPipelineStageFlags dst, VkAccessFlags dst_access) {
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = src_access;
    mb.dstAccessMask = dst_access;
    vkCmdPipelineBarrier(cmd_, src, dst, 0, 1, &mb, 0, nullptr, 0, nullptr);
  }

  void record(uint32_t n, uint32_t tiles, bool direct) {
    begin();
    const Buffer& bytes = direct ? out_bytes() : bytes_;
    if (!direct) {
      const VkBufferCopy c{0, 0, VkDeviceSize(n) * 4};
      vkCmdCopyBuffer(cmd_, ops_host_.buf, ops_.buf, 1, &c);
    }
    // The emit pass ORs bytes into zeroed words.
    vkCmdFillBuffer(cmd_, bytes.buf, 0, (VkDeviceSize(n) + 3) / 4 * 4, 0);
    barrier(VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    const uint32_t push[2] = {n, tiles};
    vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, layout_, 0, 1, &set_[direct && staging_ ? 1 : 0], 0,
                            nullptr);
    vkCmdPushConstants(cmd_, layout_, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
    const uint32_t groups[3] = {tiles, 1, tiles};
    for (int pass = 0; pass < 3; ++pass) {
      vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipe_[pass]);
      vkCmdDispatch(cmd_, groups[pass], 1, 1);
      barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
              pass == 2 ? VK_PIPELINE_STAGE_HOST_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              pass == 2 ? VK_ACCESS_HOST_READ_BIT : VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    }
    VK_CHECK(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  }

  void destroy() {
    if (!dev_) {
      if (inst_) vkDestroyInstance(inst_, nullptr);
      return;
    }
    vkDeviceWaitIdle(dev_);
    for (Buffer* b : {&ops_, &tiles_, &bytes_, &changes_, &totals_, &ops_host_, &bytes_host_, &changes_host_})
      free_buffer(*b);
    if (fence_) vkDestroyFence(dev_, fence_, nullptr);
    if (cmdpool_) vkDestroyCommandPool(dev_, cmdpool_, nullptr);
    if (pool_) vkDestroyDescriptorPool(dev_, pool_, nullptr);
    for (VkPipeline p : pipe_)
      if (p) vkDestroyPipeline(dev_, p, nullptr);
    if (layout_) vkDestroyPipelineLayout(dev_, layout_, nullptr);
    if (dsl_) vkDestroyDescriptorSetLayout(dev_, dsl_, nullptr);
    if (shader_) vkDestroyShaderModule(dev_, shader_, nullptr);
    vkDestroyDevice(dev_, nullptr);
    vkDestroyInstance(inst_, nullptr);
  }

  VkInstance inst_ = VK_NULL_HANDLE;
  VkPhysicalDevice phys_ = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties props_{};
  VkPhysicalDeviceMemoryProperties memprops_{};
  uint32_t family_ = 0;
  VkDevice dev_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkShaderModule shader_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout dsl_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipe_[3] = {};
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  VkDescriptorSet set_[2] = {};  // [0] device-local buffers (staging), [1] host-visible ones
  VkCommandPool cmdpool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  Buffer ops_, tiles_, bytes_, changes_, totals_;
  Buffer ops_host_, bytes_host_, changes_host_;  // staging only
  bool staging_ = false;
  size_t cap_ = 0;
};

}  // namespace

std::unique_ptr<Executor> make_vulkan_executor(std::string* why) {
  try {
    return std::make_unique<VulkanExecutor>();
  } catch (const Error& e) {
    *why = e.what();
    return nullptr;
  }
}

}  // namespace pxos::pxi
