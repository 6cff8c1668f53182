export { FunctionInvoker, FunctionNotFoundError, type InvocationResult, type InvokeRequest } from './invoke.js';
export { FunctionRegistry, type FunctionsConfig, type FunctionTarget, functionName } from './registry.js';
