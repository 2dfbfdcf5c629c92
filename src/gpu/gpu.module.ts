import { Module } from '@nestjs/common';
import { GpuController } from './gpu.controller.js';
import { GpuEfficiencyService } from './gpu-efficiency.service.js';

@Module({
  controllers: [GpuController],
  providers: [GpuEfficiencyService],
  exports: [GpuEfficiencyService],
})
export class GpuModule {}
