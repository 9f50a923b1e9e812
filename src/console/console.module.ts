import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';

/** Serves the admin console (console/, built by vite into dist/console-app) at /console. */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
