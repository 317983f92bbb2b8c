import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' }) @IsEmail() @MaxLength(320) email: string;
  @ApiProperty({ format: 'password' }) @IsString() @MinLength(1) @MaxLength(200) password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' }) @IsString() @MinLength(1) @MaxLength(200) currentPassword: string;
  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 }) @IsString() @MinLength(8) @MaxLength(200) newPassword: string;
}

export class TokenDto {
  @ApiProperty({ description: 'JWT for Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'seconds until the token expires' }) expiresIn: number;
}
